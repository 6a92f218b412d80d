import * as assert from 'node:assert/strict';
import { proxyFor } from '../../../src/connectionCheck/proxyRules';

describe('connectionCheck/proxyRules', () => {
  it("follows VS Code's rules: 127.0.0.1/localhost/::1 always direct, http.noProxy, proxySupport off, environment", () => {
    const settings = { proxy: 'http://proxy.example:3128' };
    assert.equal(proxyFor(new URL('http://127.0.0.1:8765'), settings).url, undefined);
    assert.equal(proxyFor(new URL('http://localhost:8765'), settings).url, undefined);
    assert.equal(proxyFor(new URL('http://[::1]:8765'), settings).url, undefined);
    assert.equal(proxyFor(new URL('http://127.0.0.2:8765'), settings).url?.host, 'proxy.example:3128');
    assert.equal(
      proxyFor(new URL('https://files.corp.example'), { ...settings, noProxy: ['.corp.example'] }).url,
      undefined,
    );
    assert.equal(proxyFor(new URL('https://gitshare.example'), { ...settings, proxySupport: 'off' }).url, undefined);
    assert.equal(
      proxyFor(new URL('https://gitshare.example'), { env: { https_proxy: 'http://env-proxy:8080' } }).url?.host,
      'env-proxy:8080',
    );
    assert.equal(
      proxyFor(new URL('https://gitshare.example'), {
        env: { HTTPS_PROXY: 'http://env-proxy:8080', NO_PROXY: 'gitshare.example' },
      }).url,
      undefined,
    );
  });

  it('in a browser (code-server), with no proxy set, says that VS Code asks the browser before every request and how http.noProxy skips that', () => {
    const inBrowser = { inBrowser: true };
    const why = proxyFor(new URL('https://gitshare.example'), inBrowser).why;
    assert.match(why, /asks the browser how to reach gitshare\.example before every request/);
    assert.match(why, /adding gitshare\.example to http\.noProxy/);
    // Nothing to say where VS Code decides without asking: a proxy set, the host excluded, loopback, desktop.
    for (const [url, settings] of [
      ['https://gitshare.example', { ...inBrowser, proxy: 'http://proxy.example:3128' }],
      ['https://gitshare.example', { ...inBrowser, noProxy: ['gitshare.example'] }],
      ['http://127.0.0.1:8765', inBrowser],
      ['https://gitshare.example', { inBrowser: false }],
    ] as const) {
      assert.doesNotMatch(
        proxyFor(new URL(url), settings).why,
        /asks the browser/,
        `${url} ${JSON.stringify(settings)}`,
      );
    }
  });
});
