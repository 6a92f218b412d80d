import { randomUUID } from 'node:crypto';
import { SUPPORTED_SCOPES, type ServerContext } from './context';
import { HttpError } from './errors';
import { parseScope } from './oauthParams';
import { redirectUriProblem } from './redirectUris';
import { randomToken, type ClientRow, type TokenEndpointAuthMethod } from './store';

/** Dynamic client registration (RFC 7591): the metadata rules and the stored client. */

export const AUTH_METHODS: readonly TokenEndpointAuthMethod[] = ['client_secret_post', 'client_secret_basic', 'none'];
export const GRANT_TYPES = ['authorization_code', 'refresh_token'];

export function registerClient(ctx: ServerContext, body: unknown): Record<string, unknown> | HttpError {
  const meta = (message: string): HttpError => new HttpError(400, 'invalid_client_metadata', message);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return meta('The registration request must be a JSON object.');
  }
  const b = body as Record<string, unknown>;
  if (b.client_name !== undefined && (typeof b.client_name !== 'string' || b.client_name.length > 200)) {
    return meta('client_name must be a string of at most 200 characters.');
  }
  const clientName =
    typeof b.client_name === 'string' && b.client_name.trim() ? b.client_name.trim() : 'Unnamed application';
  let redirectUris: string[] = [];
  if (b.redirect_uris !== undefined) {
    if (!Array.isArray(b.redirect_uris) || b.redirect_uris.length > 20) {
      return meta('redirect_uris must be an array of at most 20 strings.');
    }
    for (const uri of b.redirect_uris as unknown[]) {
      if (typeof uri !== 'string') {
        return new HttpError(400, 'invalid_redirect_uri', 'Every redirect URI must be a string.');
      }
      const problem = redirectUriProblem(uri);
      if (problem) {
        return new HttpError(400, 'invalid_redirect_uri', `The redirect URI ${uri} ${problem}.`);
      }
    }
    redirectUris = [...new Set(b.redirect_uris as string[])];
  }
  const authMethod = b.token_endpoint_auth_method ?? 'client_secret_basic';
  if (!AUTH_METHODS.includes(authMethod as TokenEndpointAuthMethod)) {
    return meta(`token_endpoint_auth_method must be one of ${AUTH_METHODS.join(', ')}.`);
  }
  let grantTypes = [...GRANT_TYPES];
  if (b.grant_types !== undefined) {
    if (
      !Array.isArray(b.grant_types) ||
      b.grant_types.length === 0 ||
      !b.grant_types.every((g) => typeof g === 'string' && GRANT_TYPES.includes(g))
    ) {
      return meta(`grant_types must be a non-empty subset of ${GRANT_TYPES.join(', ')}.`);
    }
    grantTypes = [...new Set(b.grant_types as string[])];
    if (!grantTypes.includes('authorization_code')) {
      return meta('grant_types must include authorization_code.');
    }
  }
  if (
    b.response_types !== undefined &&
    (!Array.isArray(b.response_types) || b.response_types.some((r) => r !== 'code'))
  ) {
    return meta('response_types may only contain "code".');
  }
  let scope: string = SUPPORTED_SCOPES.join(' ');
  if (b.scope !== undefined) {
    const requested = typeof b.scope === 'string' ? parseScope(b.scope) : [];
    if (requested.length === 0 || !requested.every((s) => (SUPPORTED_SCOPES as readonly string[]).includes(s))) {
      return meta(`scope must be a space-separated subset of ${SUPPORTED_SCOPES.join(' ')}.`);
    }
    scope = requested.join(' ');
  }
  const client: ClientRow = {
    clientId: randomUUID(),
    clientName,
    redirectUris,
    grantTypes,
    scope,
    authMethod: authMethod as TokenEndpointAuthMethod,
    issuedAt: Math.floor(Date.now() / 1000),
  };
  const secret = client.authMethod === 'none' ? undefined : randomToken(32);
  const registrationToken = randomToken(32);
  ctx.store.insertClient(client, secret, registrationToken);
  return {
    client_id: client.clientId,
    ...(secret !== undefined
      ? { client_secret: secret, client_secret_expires_at: 0 }
      : { client_secret_expires_at: 0 }),
    client_id_issued_at: client.issuedAt,
    client_name: client.clientName,
    redirect_uris: client.redirectUris,
    grant_types: client.grantTypes,
    response_types: ['code'],
    token_endpoint_auth_method: client.authMethod,
    scope: client.scope,
    registration_access_token: registrationToken,
    registration_client_uri: `${ctx.issuer}/oauth2/register/${client.clientId}`,
  };
}
