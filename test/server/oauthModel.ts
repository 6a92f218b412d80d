import OAuth2Server from '@node-oauth/oauth2-server';
import { REFRESH_TOKEN_LIFETIME_SECONDS, SUPPORTED_SCOPES, type ServerContext } from './context';
import { parseScope } from './oauthParams';
import type { ClientRow } from './store';

/**
 * The OAuth model: how `@node-oauth/oauth2-server` sees the store. The library runs the token
 * grants (code exchange with PKCE, refresh rotation) and bearer authentication through it; the
 * model adds replay detection (code reuse and rotated-refresh reuse revoke the whole grant).
 */

interface GrantUser {
  readonly id: number;
  /** Carried through the library from the code or refresh token to `saveToken`. */
  readonly grantId: string;
  readonly tokenId?: number;
}

/** The model the library calls; every secret is looked up by its hash (store.ts). */
function createModel(ctx: ServerContext): OAuth2Server.AuthorizationCodeModel & OAuth2Server.RefreshTokenModel {
  const libClient = (row: ClientRow): OAuth2Server.Client => ({
    id: row.clientId,
    grants: [...row.grantTypes],
    redirectUris: [...row.redirectUris],
    accessTokenLifetime: ctx.tokenTtlSeconds,
    refreshTokenLifetime: REFRESH_TOKEN_LIFETIME_SECONDS,
  });
  return {
    async getClient(clientId, clientSecret) {
      const row = ctx.store.client(clientId);
      if (!row) {
        return false;
      }
      if (clientSecret) {
        return row.authMethod !== 'none' && ctx.store.clientSecretMatches(clientId, clientSecret)
          ? libClient(row)
          : false;
      }
      // Without a secret only a public client authenticates (it must then prove PKCE).
      return row.authMethod === 'none' ? libClient(row) : false;
    },
    async getAuthorizationCode(code) {
      const row = ctx.store.code(code);
      if (!row) {
        return false;
      }
      if (row.used) {
        // RFC 6749 §4.1.2: a code used twice revokes what the first use obtained.
        ctx.store.revokeGrant(row.grantId);
        return false;
      }
      const user: GrantUser = { id: row.userId, grantId: row.grantId };
      return {
        authorizationCode: code,
        expiresAt: new Date(row.expiresAt),
        redirectUri: row.redirectUri ?? '',
        scope: parseScope(row.scope),
        client: { id: row.clientId, grants: [] },
        user,
        codeChallenge: row.challenge ?? undefined,
        codeChallengeMethod: row.challengeMethod ?? undefined,
      };
    },
    async saveAuthorizationCode() {
      throw new Error('Codes are issued by the consent page, not the library.');
    },
    async revokeAuthorizationCode(code) {
      return ctx.store.useCode(code.authorizationCode);
    },
    async saveToken(token, client, user) {
      const grantUser = user as GrantUser;
      ctx.store.insertToken(token.accessToken, token.refreshToken, {
        clientId: client.id,
        userId: grantUser.id,
        grantId: grantUser.grantId,
        scope: (token.scope ?? []).join(' '),
        accessExpiresAt: token.accessTokenExpiresAt!.getTime(),
        refreshExpiresAt: token.refreshTokenExpiresAt?.getTime() ?? null,
      });
      return { ...token, client, user };
    },
    async getAccessToken(accessToken) {
      if (typeof accessToken !== 'string') {
        return false;
      }
      const row = ctx.store.tokenByAccess(accessToken);
      if (!row || row.accessRevoked) {
        return false;
      }
      const user: GrantUser = { id: row.userId, grantId: row.grantId, tokenId: row.id };
      return {
        accessToken,
        accessTokenExpiresAt: new Date(row.accessExpiresAt),
        scope: parseScope(row.scope),
        client: { id: row.clientId, grants: [] },
        user,
      };
    },
    async getRefreshToken(refreshToken) {
      const row = ctx.store.tokenByRefresh(refreshToken);
      if (!row) {
        return false;
      }
      if (row.refreshRevoked) {
        // A rotated (or revoked) refresh token came back: someone holds a copy. Revoke the grant.
        ctx.store.revokeGrant(row.grantId);
        return false;
      }
      const user: GrantUser = { id: row.userId, grantId: row.grantId };
      return {
        refreshToken,
        refreshTokenExpiresAt: row.refreshExpiresAt === null ? undefined : new Date(row.refreshExpiresAt),
        scope: parseScope(row.scope),
        client: { id: row.clientId, grants: [] },
        user,
      };
    },
    async revokeToken(token) {
      const ok = ctx.store.revokeRefresh(token.refreshToken);
      if (!ok) {
        // Lost a race with another use of the same refresh token: treat it as a replay.
        const row = ctx.store.tokenByRefresh(token.refreshToken);
        if (row) {
          ctx.store.revokeGrant(row.grantId);
        }
      }
      return ok;
    },
    async validateScope(_user, _client, scope) {
      const requested = scope && scope.length > 0 ? scope : [...SUPPORTED_SCOPES];
      return requested.every((s) => (SUPPORTED_SCOPES as readonly string[]).includes(s)) ? requested : false;
    },
    async verifyScope(token, scope) {
      const granted = token.scope ?? [];
      return scope.every((s) => granted.includes(s));
    },
  };
}

export function createOAuthServer(ctx: ServerContext): OAuth2Server {
  return new OAuth2Server({
    model: createModel(ctx),
    accessTokenLifetime: ctx.tokenTtlSeconds,
    refreshTokenLifetime: REFRESH_TOKEN_LIFETIME_SECONDS,
    allowBearerTokensInQueryString: true,
    alwaysIssueNewRefreshToken: true,
    // The model decides: a public client authenticates with its id alone, a confidential one
    // with its secret (getClient above). Lets public clients refresh without a secret.
    requireClientAuthentication: { authorization_code: false, refresh_token: false },
  });
}
