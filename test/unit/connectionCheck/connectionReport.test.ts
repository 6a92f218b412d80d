import * as assert from 'node:assert/strict';
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as l10n from '@vscode/l10n';
import { getL10nPseudoLocalized } from '@vscode/l10n-dev';
import { checkConnection } from '../../../src/connectionCheck/connectionCheck';
import {
  formatReport,
  proxyShown,
  type CheckStep,
  type ConnectionReport,
  type NetworkSettings,
} from '../../../src/connectionCheck/connectionReport';
import { proxyFor } from '../../../src/connectionCheck/proxyRules';
import { repoRoot } from '../../support/paths';
import { startRecordingProxy } from '../../proxy/recordingProxy';
import { startServer } from '../../server/index';
import { generateTestCa } from '../../server/tls';
import { signIn } from '../../support/serverSession';
import { nodeHost } from './helpers';

/** A report as checkConnection builds it: `ok` is true when no step failed. */
function report(steps: CheckStep[]): ConnectionReport {
  return { serverUrl: 'http://127.0.0.1:8765', steps, ok: steps.every((s) => s.status !== 'failed') };
}

const AT = () => new Date('2026-11-29T02:30:00.123Z');

describe('connectionCheck/connectionReport: the text a person reads and copies', () => {
  it('every step passed: "GitShare can be reached", each step with its mark and its lines', () => {
    const text = formatReport(
      report([
        { id: 'address', title: 'Address', status: 'ok', lines: ['http://127.0.0.1:8765 (loopback)'] },
        { id: 'tls', title: 'TLS', status: 'skipped', lines: ['plain http'] },
        { id: 'session', title: 'Session', status: 'ok', lines: ['The token is valid for demo.'] },
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
    const one = formatReport(report([{ id: 'tls', title: 'TLS', status: 'warning', lines: [] }]), { now: AT });
    assert.match(one, /^Result: GitShare can be reached, with 1 warning\.$/m);
    assert.match(one, /^⚠ TLS$/m);
    const two = formatReport(
      report([
        { id: 'proxy', title: 'Proxy', status: 'warning', lines: [] },
        { id: 'tls', title: 'TLS', status: 'warning', lines: [] },
      ]),
      { now: AT },
    );
    assert.match(two, /^Result: GitShare can be reached, with 2 warnings\.$/m);
  });

  it('a failed step: the result names how many failed and the first one', () => {
    const one = formatReport(
      report([
        { id: 'tls', title: 'TLS', status: 'failed', lines: ['not trusted'] },
        { id: 'api', title: 'API call', status: 'skipped', lines: [] },
      ]),
    );
    assert.match(one, /^Result: 1 step failed — first: TLS\.$/m);
    assert.match(one, /^✖ TLS\n {4}not trusted$/m);
    const two = formatReport(
      report([
        { id: 'proxy', title: 'Proxy', status: 'failed', lines: [] },
        { id: 'tls', title: 'TLS', status: 'failed', lines: [] },
      ]),
    );
    assert.match(two, /^Result: 2 steps failed — first: Proxy\.$/m);
  });

  it("VS Code's network settings are listed with the proxy's user and password masked", () => {
    const text = formatReport(report([{ id: 'proxy', title: 'Proxy', status: 'ok', lines: [] }]), {
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
    assert.match(text, /^ {4}http\.proxy: http:\/\/127\.0\.0\.1:3128 \(with credentials, not shown\)$/m);
    assert.match(text, /^ {4}http\.proxySupport: \(default\)$/m);
    assert.match(text, /^ {4}http\.noProxy: \.corp\.example, files\.example$/m);
    assert.match(text, /^ {4}http\.proxyAuthorization: \(set, not shown\)$/m);
    assert.match(text, /^ {4}HTTPS_PROXY: http:\/\/proxy\.example:8080 \(with credentials, not shown\)$/m);
    assert.match(text, /^ {4}NO_PROXY: gitshare\.example$/m);
    assert.ok(!/HTTP_PROXY:/.test(text), 'an unset variable is not listed');
  });

  it('no network settings given: no settings section; empty settings read "(empty)"', () => {
    const ok = report([{ id: 'address', title: 'Address', status: 'ok', lines: [] }]);
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
    assert.match(text, /^ {4}http\.proxy: http:\/\/proxy\.example\u240AResult \(with credentials, not shown\)$/m);
    assert.match(text, /^ {4}http\.noProxy: a\[U\+202E\]b$/m);
  });
});

describe('connectionCheck/connectionReport: a proxy is shown as scheme, host and port, never its credentials', () => {
  const HIDDEN = ' (with credentials, not shown)';
  /** A setting's value, what the report shows of it, and the parts of its password that must not show. */
  const shapes: { value: string; shown: string; secret: string[] }[] = [
    { value: 'http://proxy.corp:3128', shown: 'http://proxy.corp:3128', secret: [] },
    { value: 'proxy.corp:3128', shown: 'http://proxy.corp:3128', secret: [] },
    { value: 'https://proxy.corp/', shown: 'https://proxy.corp', secret: [] },
    // The shapes the review found: no scheme, and an `@` or a `/` in the password.
    { value: 'Al1ce:S3cr3t@proxy.corp:3128', shown: `http://proxy.corp:3128${HIDDEN}`, secret: ['S3cr3t'] },
    { value: 'http://Al1ce:Kx@Qw@proxy:3128', shown: `http://proxy:3128${HIDDEN}`, secret: ['Kx', 'Qw'] },
    { value: 'http://Al1ce:Kx/Qw@proxy:3128', shown: `http://proxy:3128${HIDDEN}`, secret: ['Kx', 'Qw'] },
    // And more: every character that ends a part of a URL, written out or not, and odd spellings.
    { value: 'Al1ce:Kx/Qw@proxy:3128', shown: `http://proxy:3128${HIDDEN}`, secret: ['Kx', 'Qw'] },
    { value: 'http://Al1ce:Kx?Qw@proxy:3128', shown: `http://proxy:3128${HIDDEN}`, secret: ['Kx', 'Qw'] },
    { value: 'http://Al1ce:Kx#Qw@proxy:3128', shown: `http://proxy:3128${HIDDEN}`, secret: ['Kx', 'Qw'] },
    { value: 'http://Al1ce:Kx\\Qw@proxy:3128', shown: `http://proxy:3128${HIDDEN}`, secret: ['Kx', 'Qw'] },
    { value: 'http://Al1ce:Kx:Qw@proxy:3128', shown: `http://proxy:3128${HIDDEN}`, secret: ['Kx', 'Qw'] },
    { value: 'http://Al1ce:Kx%40Qw@proxy:3128', shown: `http://proxy:3128${HIDDEN}`, secret: ['Kx', 'Qw'] },
    { value: 'http://Al1ce:Kx Qw@proxy:3128', shown: `http://proxy:3128${HIDDEN}`, secret: ['Kx', 'Qw'] },
    { value: 'http://Al1ce:Kx\nQw@proxy:3128', shown: `http://proxy:3128${HIDDEN}`, secret: ['Kx', 'Qw'] },
    { value: 'http://Al1ce:Kx//Qw@proxy:3128/', shown: `http://proxy:3128${HIDDEN}`, secret: ['Kx', 'Qw'] },
    { value: 'HTTP://AL1CE:S3CR3T@PROXY.CORP:3128', shown: `http://PROXY.CORP:3128${HIDDEN}`, secret: ['S3CR3T'] },
    { value: '  http://Al1ce:S3cr3t@proxy:3128  ', shown: `http://proxy:3128${HIDDEN}`, secret: ['S3cr3t'] },
    { value: '//Al1ce:S3cr3t@proxy:3128', shown: `http://proxy:3128${HIDDEN}`, secret: ['S3cr3t'] },
    { value: 'https://Al1ce:S3cr3t@proxy.corp:443/p', shown: `https://proxy.corp:443${HIDDEN}`, secret: ['S3cr3t'] },
    { value: 'socks5://Al1ce:S3cr3t@proxy:1080', shown: `socks5://proxy:1080${HIDDEN}`, secret: ['S3cr3t'] },
    { value: 'http://Al1ce:S3cr3t@[::1]:3128', shown: `http://[::1]:3128${HIDDEN}`, secret: ['S3cr3t'] },
    { value: 'http://Al1ce@proxy:3128', shown: `http://proxy:3128${HIDDEN}`, secret: ['Al1ce'] },
    { value: 'http://:S3cr3t@proxy:3128', shown: `http://proxy:3128${HIDDEN}`, secret: ['S3cr3t'] },
    // An `@` in a path: taken for the end of credentials, so more is hidden, never less.
    { value: 'http://Al1ce:S3cr3t@proxy:3128/a@b', shown: `http://b${HIDDEN}`, secret: ['S3cr3t'] },
    // No `@`: a "port" that is not digits is taken for a password.
    { value: 'http://Al1ce:S3cr3t', shown: `http://Al1ce${HIDDEN}`, secret: ['S3cr3t'] },
    { value: 'http://Al1ce:S3cr3t:3128', shown: `http://Al1ce${HIDDEN}`, secret: ['S3cr3t'] },
  ];

  for (const { value, shown, secret } of shapes) {
    it(JSON.stringify(value), () => {
      const network: NetworkSettings = { proxy: value, env: { HTTPS_PROXY: value, HTTP_PROXY: value } };
      const text = [
        formatReport(report([]), { now: AT, network }),
        proxyFor(new URL('https://gitshare.example'), network).why,
        proxyFor(new URL('https://gitshare.example'), { env: network.env }).why,
      ].join('\n');
      for (const part of secret) {
        assert.ok(!text.includes(part), `${JSON.stringify(part)} of the password is in:\n${text}`);
      }
      assert.equal(proxyShown(value), shown);
    });
  }
});

/*
 * The Check Connection report in the person's display language: every line a person
 * reads comes out of the translator's bundle, while the report stays copyable plain text with no
 * token or proxy password in it. The translation is the pseudo-locale a translator's file would
 * give (@vscode/l10n-dev from the bundle the sources export), handed to @vscode/l10n as activate()
 * hands it VS Code's bundle.
 */
type L10nTool = typeof import('../../../scripts/l10n.mjs');

/** A letter a pseudo-localized string has and English text does not (ŀ, ḗ, ƞ, ŧ…). */
const PSEUDO_LETTER = /[\u0100-\u024f\u1e00-\u1eff]/;

/**
 * The lines of `text` a person reads as our words but that show no translation. Data lines are
 * left out: the time, the TLS protocol and cipher, an endpoint the server's metadata names
 * (`token_endpoint: https://…`), and the setting lines (`http.proxy: …`), whose names stay as
 * the Settings editor finds them; their fillers (`(empty)`, …) must be translated.
 */
function untranslated(text: string): string[] {
  return text.split('\n').filter((line) => {
    if (
      !line.trim() ||
      /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/.test(line) ||
      /^ {4}TLSv[\d.]+, /.test(line) ||
      /^ {4}[a-z_]+_endpoint: [a-z]+:\/\/\S+$/.test(line)
    ) {
      return false;
    }
    const setting = /^ {4}(?:http\.\w+|[A-Z_]+): (.*)$/.exec(line);
    if (setting) {
      return /^\((?:empty|default|set, not shown)\)$/.test(setting[1]!);
    }
    return !PSEUDO_LETTER.test(line);
  });
}

describe('connectionCheck/connectionReport: the report in the display language', function () {
  this.timeout(60_000);
  const cleanups: (() => Promise<unknown>)[] = [];
  /** English message → pseudo text. */
  let pseudo: Record<string, string>;

  before(async () => {
    const tool = (await import(pathToFileURL(path.join(repoRoot, 'scripts', 'l10n.mjs')).href)) as L10nTool;
    pseudo = getL10nPseudoLocalized(await tool.bundleFromSources()) as Record<string, string>;
    l10n.config({ contents: pseudo });
  });

  after(async () => {
    // Back to English for the suites after this one.
    l10n.config({ contents: {} });
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch(() => undefined);
    }
  });

  function assertTranslated(report: ConnectionReport, text: string): void {
    assert.deepEqual(untranslated(text), [], `English lines in the report:\n${text}`);
    // The steps' titles too, which the notification and the log's ids are not.
    for (const step of report.steps) {
      assert.match(step.title, PSEUDO_LETTER, `step ${step.id}: ${step.title}`);
    }
  }

  it('signed in over a proxy that asks for credentials: every line is translated, and neither the token nor the proxy password is in it', async () => {
    const server = await startServer({ host: '127.0.0.2' });
    cleanups.push(() => server.close());
    const token = (await signIn(server.url)).accessToken;
    const proxy = await startRecordingProxy({ requireAuth: 'Basic dGVzdDp0ZXN0' });
    cleanups.push(() => proxy.close());
    const network: NetworkSettings = {
      proxy: proxy.url.replace('http://', 'http://alice:s3cret-pw@'),
      proxyStrictSSL: false,
      proxyAuthorizationSet: true,
      noProxy: [],
      env: { NO_PROXY: 'intranet.example' },
    };
    const report = await checkConnection({
      serverUrl: server.url,
      network,
      sessions: [{ label: 'demo', accessToken: token, scopes: ['files:read'] }],
      ...nodeHost(),
    });
    const text = formatReport(report, { network });
    assertTranslated(report, text);
    // The 407 sentence, as the translator's file words it, with the proxy named.
    assert.ok(
      text.includes(
        pseudo[
          'The proxy {0} asks for credentials (407 Proxy Authentication Required). Desktop VS Code asks for them; otherwise set {1} or ask your IT department.'
        ]!.replace('{0}', proxy.url.replace(/\/$/, '')).replace('{1}', 'http.proxyAuthorization'),
      ),
      text,
    );
    assert.match(text, /^ {4}http\.proxy: http:\/\/127\.0\.0\.1:\d+ \S/m);
    for (const secret of [token, 's3cret-pw', 'alice', 'dGVzdDp0ZXN0']) {
      assert.ok(!text.includes(secret), `${secret} is in the report`);
    }
  });

  it('signed in on this computer with a token that is no longer valid: the session and API lines are translated', async () => {
    const server = await startServer({ host: '127.0.0.1' });
    cleanups.push(() => server.close());
    const report = await checkConnection({
      serverUrl: server.url,
      network: { proxy: '', env: {} },
      sessions: [{ label: 'demo', accessToken: 'gs_not_a_token', scopes: [] }],
      ...nodeHost(),
    });
    const text = formatReport(report, { network: { proxy: '', env: {} } });
    assertTranslated(report, text);
    assert.equal(report.steps.find((s) => s.id === 'session')?.status, 'failed');
    assert.ok(!text.includes('gs_not_a_token'));
  });

  it('an https server whose certificate authority is not trusted, and an empty address: translated too', async () => {
    const dataDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'gitshare-report-'));
    cleanups.push(() => fsp.rm(dataDir, { recursive: true, force: true }));
    const server = await startServer({ host: '127.0.0.2', dataDir, tls: generateTestCa({ hosts: ['127.0.0.2'] }) });
    cleanups.push(() => server.close());
    const untrusted = await checkConnection({ serverUrl: server.url, ...nodeHost() });
    assert.equal(untrusted.steps.find((s) => s.id === 'tls')?.status, 'failed');
    assertTranslated(untrusted, formatReport(untrusted));
    const empty = await checkConnection({ serverUrl: '', ...nodeHost() });
    assertTranslated(empty, formatReport(empty));
  });
});
