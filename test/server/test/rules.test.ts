import * as assert from 'node:assert/strict';
import { parseRange } from '../fileBodies';
import { segmentsFromString, segmentsFromUrl } from '../paths';
import { appendQuery, isLoopbackHost, redirectUriMatches, redirectUriProblem } from '../redirectUris';

describe('local server: pure rules', () => {
  describe('redirect URIs', () => {
    const allowed = [
      'https://app.example/cb',
      'http://127.0.0.1/cb',
      'http://127.8.9.10:99/cb?x=1',
      'http://localhost:3000/',
      'http://[::1]/cb',
      'urn:ietf:wg:oauth:2.0:oob',
      'vscode://gitshare.gitshare-vscode/did-authenticate',
      'com.example.app:/oauth',
    ];
    const refused = [
      'http://example.com/cb',
      'http://127.0.0.1.nip.io/cb',
      'http://10.0.0.1/cb',
      'ftp://x.example/',
      'javascript:alert(1)',
      'file:///etc/passwd',
      'https://app.example/cb#frag',
      'relative/cb',
      'https://u:p@app.example/',
      'http://128.0.0.1/cb',
      'http://127.0.0.300/cb',
    ];
    for (const uri of allowed) {
      it(`registers ${uri}`, () => assert.equal(redirectUriProblem(uri), undefined));
    }
    for (const uri of refused) {
      it(`refuses ${uri}`, () => assert.notEqual(redirectUriProblem(uri), undefined));
    }

    it('matches exactly, except any port on loopback http', () => {
      const registered = ['http://127.0.0.1/cb?a=1', 'https://app.example/cb', 'http://localhost:8080/x'];
      assert.ok(redirectUriMatches('https://app.example/cb', registered));
      assert.ok(redirectUriMatches('http://127.0.0.1:4567/cb?a=1', registered));
      assert.ok(redirectUriMatches('http://127.0.0.1/cb?a=1', registered));
      assert.ok(redirectUriMatches('http://localhost:1/x', registered));
      assert.ok(!redirectUriMatches('http://127.0.0.1:4567/cb?a=2', registered));
      assert.ok(!redirectUriMatches('http://127.0.0.1:4567/cb', registered));
      assert.ok(!redirectUriMatches('http://127.0.0.2:4567/cb?a=1', registered));
      assert.ok(!redirectUriMatches('https://app.example:444/cb', registered));
      assert.ok(!redirectUriMatches('https://app.example/cb/', registered));
    });

    it('knows loopback hosts', () => {
      assert.ok(
        isLoopbackHost('127.0.0.1') &&
          isLoopbackHost('127.255.0.9') &&
          isLoopbackHost('[::1]') &&
          isLoopbackHost('LOCALHOST'),
      );
      assert.ok(!isLoopbackHost('128.0.0.1') && !isLoopbackHost('localhost.example') && !isLoopbackHost('0.0.0.0'));
    });

    it('appends parameters, keeping an existing query byte for byte', () => {
      assert.equal(appendQuery('http://h/cb', { code: 'a b', state: undefined }), 'http://h/cb?code=a%20b');
      assert.equal(appendQuery('http://h/cb?x=%2F&y', { code: 'c' }), 'http://h/cb?x=%2F&y&code=c');
      assert.equal(appendQuery('http://h/cb?', { code: 'c' }), 'http://h/cb?code=c');
      assert.equal(appendQuery('http://h/cb?x=1&', { code: 'c', state: '&=' }), 'http://h/cb?x=1&code=c&state=%26%3D');
    });
  });

  describe('paths', () => {
    it('decodes URL segments', () => {
      assert.deepEqual(segmentsFromUrl(''), []);
      assert.deepEqual(segmentsFromUrl('/'), []);
      assert.deepEqual(segmentsFromUrl('/a%20b/%C3%A9.txt'), ['a b', 'é.txt']);
      assert.deepEqual(segmentsFromUrl('/...'), ['...']);
      assert.deepEqual(segmentsFromUrl('/.hidden'), ['.hidden']);
    });
    const bad = [
      '/a//b',
      '/a/',
      '/..',
      '/%2e',
      '/%2E%2e',
      '/a%2Fb',
      '/a\\b',
      '/a%5Cb',
      '/a%00',
      '/%E0%A4%A',
      '/%C0%AF',
      `/${'x'.repeat(256)}`,
      '/a%0Ab',
      'noslash',
    ];
    for (const p of bad) {
      it(`refuses the URL path ${p.length > 40 ? p.slice(0, 40) + '…' : p}`, () => {
        assert.throws(
          () => segmentsFromUrl(p),
          (err: { code?: string }) => err.code === 'invalid_path',
        );
      });
    }
    it('checks plain paths from JSON bodies', () => {
      assert.deepEqual(segmentsFromString('/a/b'), ['a', 'b']);
      assert.deepEqual(segmentsFromString('/'), []);
      for (const p of ['a/b', '/a/../b', '/a//b', '/a\u0000', 7, null, '/%2e%2e']) {
        if (p === '/%2e%2e') {
          assert.deepEqual(segmentsFromString(p), ['%2e%2e']); // literal name: JSON paths are not percent-decoded
          continue;
        }
        assert.throws(
          () => segmentsFromString(p),
          (err: { code?: string }) => err.code === 'invalid_path',
        );
      }
    });
  });

  describe('Range', () => {
    const cases: Array<[string | undefined, number, ReturnType<typeof parseRange>]> = [
      [undefined, 10, undefined],
      ['bytes=0-', 10, { start: 0, end: 9 }],
      ['bytes=4-', 10, { start: 4, end: 9 }],
      ['bytes=2-3', 10, { start: 2, end: 3 }],
      ['bytes=2-99', 10, { start: 2, end: 9 }],
      ['bytes=-3', 10, { start: 7, end: 9 }],
      ['bytes=10-', 10, 'unsatisfiable'],
      ['bytes=0-', 0, 'unsatisfiable'],
      ['bytes=5-2', 10, undefined],
      ['bytes=0-1,3-4', 10, undefined],
      ['items=0-1', 10, undefined],
    ];
    for (const [header, size, expected] of cases) {
      it(`${header ?? '(none)'} of ${size} bytes`, () => assert.deepEqual(parseRange(header, size), expected));
    }
  });
});
