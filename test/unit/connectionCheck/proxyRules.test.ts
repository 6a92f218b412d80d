import * as assert from 'node:assert/strict';
import { clearTextProxyWarning, proxyFor } from '../../../src/connectionCheck/proxyRules';

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

  it('warns when plain http would cross a proxy: only to a loopback address VS Code does not keep direct', () => {
    const proxy = { proxy: 'http://proxy.example:3128' };
    const warned = (server: string, settings: Parameters<typeof proxyFor>[1] = proxy) => {
      const url = new URL(server);
      return clearTextProxyWarning(url, proxyFor(url, settings));
    };
    assert.equal(
      warned('http://127.0.0.2:8765'),
      'Plain http to 127.0.0.2:8765 goes through the proxy http://proxy.example:3128 unencrypted: the proxy sees your token and your files. Add 127.0.0.2 to http.noProxy, or reach GitShare at localhost or 127.0.0.1, which VS Code never sends through a proxy.',
    );
    assert.ok(warned('http://127.1.2.3'));
    assert.ok(warned('http://127.0.0.2:8765', { env: { HTTP_PROXY: 'http://env-proxy:8080' } }));
    // Direct, or encrypted: nothing to say.
    for (const server of ['http://127.0.0.1:8765', 'http://localhost:8765', 'http://[::1]:8765', 'https://127.0.0.2']) {
      assert.equal(warned(server), undefined, server);
    }
    assert.equal(warned('http://127.0.0.2:8765', { ...proxy, noProxy: ['127.0.0.2'] }), undefined);
    assert.equal(warned('http://127.0.0.2:8765', { ...proxy, proxySupport: 'off' }), undefined);
    assert.equal(warned('http://127.0.0.2:8765', {}), undefined);
  });
});
