import * as assert from 'node:assert/strict';
import { proxyFor } from '../../../src/api/proxyRules';

describe('api/proxyRules', () => {
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
});
