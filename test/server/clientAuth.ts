import type { Request, Response } from 'express';
import type { ServerContext } from './context';
import { HttpError, oauthErrorJson } from './errors';
import type { ClientRow } from './store';

/**
 * Client authentication at the endpoints the library does not run (revocation, registration
 * deletion, the public-client check before a code exchange): HTTP Basic or credentials in the body.
 */

export interface ClientCredentials {
  readonly clientId: string | undefined;
  readonly clientSecret: string | undefined;
  readonly basic: boolean;
}

export function clientCredentials(req: Request): ClientCredentials | HttpError {
  const header = req.headers.authorization;
  if (header && /^basic /i.test(header)) {
    const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) {
      return new HttpError(401, 'invalid_client', 'Malformed Basic credentials.');
    }
    // RFC 6749 §2.3.1: id and secret are form-urlencoded before Basic encoding.
    const unescape = (s: string): string => {
      try {
        return decodeURIComponent(s.replace(/\+/g, ' '));
      } catch {
        return s;
      }
    };
    return {
      clientId: unescape(decoded.slice(0, colon)),
      clientSecret: unescape(decoded.slice(colon + 1)),
      basic: true,
    };
  }
  const body = (req.body ?? {}) as Record<string, unknown>;
  const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
  return { clientId: str(body.client_id), clientSecret: str(body.client_secret), basic: false };
}

/** Authenticates a client at the revocation or deletion endpoints (the token endpoint uses the library). */
export function authenticateClient(ctx: ServerContext, creds: ClientCredentials): ClientRow | undefined {
  if (!creds.clientId) {
    return undefined;
  }
  const row = ctx.store.client(creds.clientId);
  if (!row) {
    return undefined;
  }
  if (creds.clientSecret !== undefined) {
    return row.authMethod !== 'none' && ctx.store.clientSecretMatches(row.clientId, creds.clientSecret)
      ? row
      : undefined;
  }
  return row.authMethod === 'none' ? row : undefined;
}

export function sendInvalidClient(res: Response, basic: boolean, message = 'Client authentication failed.'): void {
  oauthErrorJson(res, 401, 'invalid_client', message, basic ? { 'WWW-Authenticate': 'Basic realm="GitShare"' } : {});
}
