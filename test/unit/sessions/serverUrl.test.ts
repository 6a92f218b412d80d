import assert from 'node:assert/strict';
import { GitShareError } from '../../../src/common/errors';
import { isLoopbackHost, normalizeServerUrl } from '../../../src/sessions/serverUrl';

describe('sessions: server address rules', () => {
  const accepted: [string, string][] = [
    ['https://gitshare.example', 'https://gitshare.example'],
    ['https://gitshare.example/some/path?x=1#y', 'https://gitshare.example'],
    ['  gitshare.example  ', 'https://gitshare.example'],
    ['HTTPS://GitShare.Example:8443/', 'https://gitshare.example:8443'],
    ['http://127.0.0.1:8765', 'http://127.0.0.1:8765'],
    ['http://127.0.0.2:8765/', 'http://127.0.0.2:8765'],
    ['http://localhost:3000', 'http://localhost:3000'],
    ['http://[::1]:8765', 'http://[::1]:8765'],
  ];
  for (const [input, origin] of accepted) {
    it(`accepts ${JSON.stringify(input)} as ${origin}`, () => {
      assert.equal(normalizeServerUrl(input), origin);
    });
  }

  const refused = [
    '',
    '   ',
    'http://gitshare.example',
    'http://10.0.0.1:8765',
    'ftp://gitshare.example',
    'https://user:pw@gitshare.example',
    'http://127.0.0.1.example.com',
    'not a url at all',
  ];
  for (const input of refused) {
    it(`refuses ${JSON.stringify(input)}`, () => {
      assert.throws(
        () => normalizeServerUrl(input),
        (e: unknown) => e instanceof GitShareError && e.kind === 'invalidInput',
      );
    });
  }

  it('knows the loopback addresses', () => {
    for (const host of ['localhost', '127.0.0.1', '127.5.6.7', '::1', '[::1]']) {
      assert.ok(isLoopbackHost(host), host);
    }
    for (const host of ['128.0.0.1', 'localhost.example', '0.0.0.0', '10.0.0.1', 'example.com']) {
      assert.ok(!isLoopbackHost(host), host);
    }
  });
});
