import * as assert from 'node:assert/strict';
import { bearerError, errorFromResponse, parseServerErrorBody } from '../../../src/api/errorMapping';

describe('api/errorMapping', () => {
  const table: [number, string | undefined, string, RegExp][] = [
    [400, 'invalid_path', 'invalidInput', /does not accept that name/],
    [401, undefined, 'signInRequired', /Sign in again/],
    [403, 'insufficient_scope', 'forbidden', /does not allow this/],
    [403, 'forbidden', 'forbidden', /permission/],
    [404, 'not_found', 'notFound', /not found/],
    [409, 'already_exists', 'conflict', /already exists/],
    [409, 'not_empty', 'conflict', /not empty/],
    [409, 'not_a_folder', 'conflict', /is a file/],
    [412, 'precondition_failed', 'preconditionFailed', /changed on GitShare/],
    [413, 'too_large', 'tooLarge', /too large/],
    [407, undefined, 'network', /proxy between VS Code and GitShare asks for credentials \(HTTP 407/],
    [429, 'rate_limited', 'rateLimited', /busy/],
    [503, 'unavailable', 'server', /problem/],
    [418, undefined, 'protocol', /HTTP 418/],
  ];
  for (const [status, code, kind, message] of table) {
    it(`${status} ${code ?? ''} → ${kind}`, () => {
      const body = code ? { error: code, message: `server words for ${code}` } : {};
      const error = errorFromResponse({ status, body, request: 'GET /api/v1/files/a' });
      assert.equal(error.kind, kind);
      assert.equal(error.status, status);
      assert.match(error.message, message);
      // The server's own words go to the log, not on screen.
      if (code) {
        assert.ok(error.detail?.includes(`server words for ${code}`));
        assert.ok(!error.message.includes('server words'));
      }
    });
  }

  it('reads the bearer challenge of a 401 without a body', () => {
    assert.equal(
      bearerError('Bearer realm="gitshare", error="invalid_token", error_description="expired"'),
      'invalid_token',
    );
    const error = errorFromResponse({
      status: 401,
      body: {},
      wwwAuthenticate: 'Bearer error="invalid_token"',
      request: 'GET /x',
    });
    assert.equal(error.code, 'invalid_token');
  });

  it('survives a body that is not JSON', () => {
    assert.deepEqual(parseServerErrorBody('<html>bad gateway</html>'), {});
    assert.deepEqual(parseServerErrorBody('{"error":"x","message":"y"}'), { error: 'x', message: 'y' });
  });
});
