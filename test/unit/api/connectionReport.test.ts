import * as assert from 'node:assert/strict';
import { formatReport, type CheckStep, type ConnectionReport } from '../../../src/api/connectionReport';

/** A report as checkConnection builds it: `ok` is true when no step failed. */
function report(steps: CheckStep[]): ConnectionReport {
  return { serverUrl: 'http://127.0.0.1:8765', steps, ok: steps.every((s) => s.status !== 'failed') };
}

const AT = () => new Date('2026-11-29T02:30:00.123Z');

describe('api/connectionReport: the text a person reads and copies', () => {
  it('every step passed: "GitShare can be reached", each step with its mark and its lines', () => {
    const text = formatReport(
      report([
        { title: 'Address', status: 'ok', lines: ['http://127.0.0.1:8765 (loopback)'] },
        { title: 'TLS', status: 'skipped', lines: ['plain http'] },
        { title: 'Session', status: 'ok', lines: ['The token is valid for demo.'] },
      ]),
      { now: AT, about: ['VS Code 1.139.1 (code-server, web), GitShare 0.1.0, linux'] },
    );
    assert.match(text, /^GitShare connection check\n2026-11-29 02:30:00 UTC\nVS Code 1\.139\.1 .*linux\n\n/);
    assert.match(text, /^Result: GitShare can be reached\.$/m);
    assert.match(text, /^✔ Address\n {4}http:\/\/127\.0\.0\.1:8765 \(loopback\)$/m);
    assert.match(text, /^– TLS \(not checked\)$/m);
    assert.match(text, /^✔ Session\n {4}The token is valid for demo\.$/m);
    assert.match(text, /it is safe to share\.\n$/);
  });

  it('warnings only: still reachable, and the warnings counted', () => {
    const one = formatReport(report([{ title: 'TLS', status: 'warning', lines: [] }]), { now: AT });
    assert.match(one, /^Result: GitShare can be reached, with 1 warning\.$/m);
    assert.match(one, /^⚠ TLS$/m);
    const two = formatReport(
      report([
        { title: 'Proxy', status: 'warning', lines: [] },
        { title: 'TLS', status: 'warning', lines: [] },
      ]),
      { now: AT },
    );
    assert.match(two, /^Result: GitShare can be reached, with 2 warnings\.$/m);
  });

  it('a failed step: the result names how many failed and the first one', () => {
    const one = formatReport(
      report([
        { title: 'TLS', status: 'failed', lines: ['not trusted'] },
        { title: 'API call', status: 'skipped', lines: [] },
      ]),
    );
    assert.match(one, /^Result: 1 step failed — first: TLS\.$/m);
    assert.match(one, /^✖ TLS\n {4}not trusted$/m);
    const two = formatReport(
      report([
        { title: 'Proxy', status: 'failed', lines: [] },
        { title: 'TLS', status: 'failed', lines: [] },
      ]),
    );
    assert.match(two, /^Result: 2 steps failed — first: Proxy\.$/m);
  });

  it("VS Code's network settings are listed with the proxy's user and password masked", () => {
    const text = formatReport(report([{ title: 'Proxy', status: 'ok', lines: [] }]), {
      now: AT,
      network: {
        proxy: 'http://alice:s3cret-pw@127.0.0.1:3128',
        noProxy: ['.corp.example', 'files.example'],
        proxyAuthorizationSet: true,
        env: { https_proxy: 'http://bob:env-pw@proxy.example:8080', NO_PROXY: 'gitshare.example' },
      },
    });
    assert.ok(!text.includes('s3cret-pw') && !text.includes('alice'), text);
    assert.ok(!text.includes('env-pw') && !text.includes('bob'), text);
    assert.match(text, /^ {4}http\.proxy: http:\/\/\*\*\*@127\.0\.0\.1:3128$/m);
    assert.match(text, /^ {4}http\.proxySupport: \(default\)$/m);
    assert.match(text, /^ {4}http\.noProxy: \.corp\.example, files\.example$/m);
    assert.match(text, /^ {4}http\.proxyAuthorization: \(set, not shown\)$/m);
    assert.match(text, /^ {4}HTTPS_PROXY: http:\/\/\*\*\*@proxy\.example:8080$/m);
    assert.match(text, /^ {4}NO_PROXY: gitshare\.example$/m);
    assert.ok(!/HTTP_PROXY:/.test(text), 'an unset variable is not listed');
  });

  it('no network settings given: no settings section; empty settings read "(empty)"', () => {
    const ok = report([{ title: 'Address', status: 'ok', lines: [] }]);
    assert.ok(!formatReport(ok, { now: AT }).includes('VS Code network settings'));
    const text = formatReport(ok, { now: AT, network: { proxy: '', env: {} } });
    assert.match(text, /^VS Code network settings\n {4}http\.proxy: \(empty\)$/m);
    assert.match(text, /^ {4}http\.noProxy: \(empty\)$/m);
    assert.match(text, /^ {4}http\.proxyAuthorization: \(empty\)$/m);
  });

  it('outside text in a setting is one line of plain text: no line breaks or bidi controls get through', () => {
    const text = formatReport(report([]), {
      now: AT,
      network: { proxy: 'http://proxy.example\nResult: GitShare can be reached.', noProxy: ['a\u202eb'] },
    });
    assert.ok(!/^Result: GitShare can be reached\.$/m.test(text.split('VS Code network settings')[1]!), text);
    assert.match(text, /^ {4}http\.proxy: http:\/\/proxy\.example Result: GitShare can be reached\.$/m);
    assert.match(text, /^ {4}http\.noProxy: a b$/m);
  });
});
