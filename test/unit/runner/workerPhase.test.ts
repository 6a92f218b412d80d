/**
 * The e2e worker phase fails a test that cannot show it ran in the browser's web worker host:
 * the extension's requests must be there, each with the workbench's Origin.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../../support/paths';
import { TEST_CLIENT_USER_AGENT } from '../../support/serverSession';
import { notFromTheBrowser, WORKER_SUITES } from '../../runner/workerPhase';

const workbench = 'http://127.0.0.1:40000';
const browser = 'Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/140.0.0.0 Safari/537.36';

describe('e2e worker phase: proof that a test ran in the web worker host', () => {
  it('passes when every request of the extension carries the workbench origin', () => {
    assert.equal(
      notFromTheBrowser(
        [
          { route: 'GET /api/v1/folders', origin: workbench, userAgent: browser },
          { route: 'PUT /api/v1/files', origin: workbench, userAgent: browser },
        ],
        workbench,
      ),
      undefined,
    );
  });

  it("leaves out the test's own requests and the sign-in pages the browser tab navigates to", () => {
    assert.equal(
      notFromTheBrowser(
        [
          { route: 'POST /oauth2/token/', origin: null, userAgent: 'node' },
          { route: 'PUT /api/v1/files', origin: null, userAgent: TEST_CLIENT_USER_AGENT },
          { route: 'GET /oauth2/authorize/', origin: null, userAgent: browser },
          { route: 'POST /oauth2/authorize/', origin: 'https://127.0.0.2:4000', userAgent: browser },
          { route: 'GET /api/v1/metadata', origin: workbench, userAgent: browser },
        ],
        workbench,
      ),
      undefined,
    );
  });

  it('fails when the extension made no request at all', () => {
    assert.match(notFromTheBrowser([], workbench) ?? '', /no request from the extension/);
    assert.match(
      notFromTheBrowser([{ route: 'GET /api/v1/user', origin: null, userAgent: 'node' }], workbench) ?? '',
      /no request from the extension/,
    );
  });

  it("fails on a request of the Node extension host (no Origin) or of another page's origin", () => {
    const problem = notFromTheBrowser(
      [
        { route: 'GET /api/v1/metadata', origin: workbench, userAgent: browser },
        { route: 'GET /api/v1/folders', origin: null, userAgent: 'GitShare-VSCode/0.1.0 (code-server)' },
        { route: 'GET /api/v1/files', origin: 'http://127.0.0.1:1', userAgent: browser },
      ],
      workbench,
    );
    assert.match(problem ?? '', /2 of 3 requests did not come from the workbench/);
    assert.match(problem ?? '', /GET \/api\/v1\/folders \(Origin none, User-Agent GitShare-VSCode/);
  });

  it('names suites that exist', () => {
    for (const suite of WORKER_SUITES) {
      assert.ok(fs.existsSync(path.join(repoRoot, 'test', 'e2e', `${suite}.test.ts`)), `${suite}.test.ts`);
    }
  });
});
