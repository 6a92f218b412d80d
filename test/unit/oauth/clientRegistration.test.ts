import assert from 'node:assert/strict';
import { GitShareError } from '../../../src/common/errors';
import { OOB_REDIRECT_URI } from '../../../src/oauth/oauthClient';
import { codeServerRedirectUri, useOAuthClient } from '../helpers/authStack';

describe('oauth: client registration (RFC 7591) against the local server', () => {
  const { server, http, oauth } = useOAuthClient();

  describe('registration', () => {
    it('registers for exactly the given redirect URIs (RFC 7591) and can delete the registration', async () => {
      const as = await oauth.discover(server.url);
      const client = await oauth.register(as, [codeServerRedirectUri(3, server.url), OOB_REDIRECT_URI]);
      assert.ok(client.clientId);
      assert.ok(client.clientSecret);
      assert.deepEqual(client.redirectUris, [codeServerRedirectUri(3, server.url), OOB_REDIRECT_URI]);
      const body = JSON.parse(http.requests.at(-1)!.body!);
      assert.equal(body.client_name, 'GitShare for VS Code');
      assert.equal(body.token_endpoint_auth_method, 'client_secret_post');

      assert.equal(await oauth.unregister(as, client), true);
      assert.equal(http.requests.at(-1)!.method, 'DELETE');
      // The deleted client can no longer authenticate.
      await assert.rejects(
        oauth.revoke(as, client, 'x'.repeat(20)),
        (e: unknown) => e instanceof GitShareError && e.code === 'invalid_client',
      );
    });

    it('deleting with only the client credentials works too (Basic)', async () => {
      const as = await oauth.discover(server.url);
      const client = await oauth.register(as, [codeServerRedirectUri(4, server.url)]);
      assert.equal(
        await oauth.unregister(as, { ...client, registrationAccessToken: undefined, registrationClientUri: undefined }),
        true,
      );
      assert.match(http.requests.at(-1)!.headers.authorization!, /^Basic /);
    });

    it('a refused registration is a protocol error with the server code', async () => {
      const as = await oauth.discover(server.url);
      await assert.rejects(
        oauth.register(as, ['http://gitshare.example/callback']),
        (e: unknown) => e instanceof GitShareError && e.code === 'invalid_redirect_uri',
      );
    });
  });
});
