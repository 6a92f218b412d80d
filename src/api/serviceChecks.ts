/**
 * Check Connection's questions to GitShare itself, over the HTTP the extension uses (VS Code's
 * proxy and certificates): the sign-in endpoints (OAuth metadata, or the documented paths), the
 * session's token and scopes, and one API call. A failure here, after the network steps of
 * networkChecks.ts passed, points at the server, the proxy's answer or the session.
 *
 * Imports no `vscode`.
 */
import type { Response } from 'node-fetch';
import type { FetchLike } from '../common/fetch';
import { text, type CheckStep, type StepStatus } from './connectionReport';
import { certificateError, errorFromResponse, networkError, parseServerErrorBody } from './errorMapping';
import { describeError } from './networkChecks';

export interface SessionToCheck {
  /** The account's label (user name), shown in the report. */
  readonly label: string;
  /** Used for the two authenticated requests; never written anywhere. */
  readonly accessToken: string;
  readonly scopes: readonly string[];
}

const REQUIRED_SCOPES = ['files:read', 'files:write'];

export async function checkSignInEndpoints(
  origin: string,
  fetch: FetchLike,
  timeoutMs: number,
): Promise<{ step: CheckStep; certificateProblem?: string }> {
  const title = 'Sign-in endpoints';
  const where = `${origin}/.well-known/oauth-authorization-server`;
  let response: Response;
  const started = Date.now();
  try {
    response = await fetch(where, {
      method: 'GET',
      headers: { Accept: 'application/json' },
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs) as never,
    });
  } catch (error) {
    const certificate = certificateError(origin, error);
    if (certificate) {
      return {
        step: {
          title,
          status: 'failed',
          lines: ['Not asked: the certificate was refused (see TLS). Nothing was sent.'],
        },
        certificateProblem: certificate.message,
      };
    }
    return { step: { title, status: 'failed', lines: [failure(origin, error, timeoutMs)] } };
  }
  const ms = Date.now() - started;
  if (response.status === 404) {
    await response.text().catch(() => '');
    return {
      step: {
        title,
        status: 'ok',
        lines: [
          `No OAuth metadata (404 in ${ms} ms): the documented paths are used, ${origin}/oauth2/authorize/ and ${origin}/oauth2/token/.`,
        ],
      },
    };
  }
  if (response.status !== 200) {
    const body = parseServerErrorBody(await response.text().catch(() => ''));
    return {
      step: {
        title,
        status: 'failed',
        lines: [
          `${where} answered HTTP ${response.status}${body.error ? ` ${text(body.error)}` : ''}. A proxy or another server may be answering instead of GitShare.`,
        ],
      },
    };
  }
  const metadata = (await response.json().catch(() => undefined)) as Record<string, unknown> | undefined;
  if (!metadata || typeof metadata.issuer !== 'string') {
    return {
      step: { title, status: 'failed', lines: [`${where} did not return OAuth metadata (JSON with an issuer).`] },
    };
  }
  const lines = [`OAuth metadata (RFC 8414) in ${ms} ms, issuer ${text(metadata.issuer)}`];
  let status: StepStatus = 'ok';
  if (metadata.issuer.replace(/\/+$/, '') !== origin) {
    status = 'failed';
    lines.push(`The issuer is not ${origin}: the metadata belongs to another server, so sign-in refuses it.`);
  }
  for (const key of ['authorization_endpoint', 'token_endpoint', 'registration_endpoint', 'revocation_endpoint']) {
    const value = metadata[key];
    if (typeof value === 'string') {
      const onOrigin = safeOrigin(value) === origin;
      lines.push(`${key}: ${text(value)}${onOrigin ? '' : " — not on the server's origin"}`);
      if (!onOrigin) {
        status = 'failed';
      }
    } else if (key === 'authorization_endpoint' || key === 'token_endpoint') {
      lines.push(`${key}: not given, the documented path is used`);
    } else {
      lines.push(
        `${key}: not offered${key === 'registration_endpoint' ? ' (set gitshare.clientId to an application registered by hand)' : ''}`,
      );
    }
  }
  return { step: { title, status, lines } };
}

export async function checkToken(
  origin: string,
  session: SessionToCheck,
  fetch: FetchLike,
  timeoutMs: number,
): Promise<CheckStep> {
  const title = 'Session';
  const scopes = session.scopes.length ? session.scopes.join(' ') : '(none recorded)';
  const missing = REQUIRED_SCOPES.filter((s) => !session.scopes.includes(s));
  const scopeLine = `Scopes: ${text(scopes)}${missing.length ? ` — missing ${missing.join(', ')}: sign out and sign in again, and allow file access` : ''}`;
  const answer = await call(origin, '/api/v1/user', session, fetch, timeoutMs);
  if ('error' in answer) {
    return { title, status: 'failed', lines: [`Signed in as ${text(session.label)}.`, answer.error] };
  }
  const { response, ms } = answer;
  if (response.status === 200) {
    const user = (await response.json().catch(() => undefined)) as { username?: unknown } | undefined;
    const name = typeof user?.username === 'string' ? user.username : '?';
    return {
      title,
      status: missing.length ? 'warning' : 'ok',
      lines: [`The token is valid: GET /api/v1/user answered 200 in ${ms} ms for ${text(name)}.`, scopeLine],
    };
  }
  const body = parseServerErrorBody(await response.text().catch(() => ''));
  const mapped = errorFromResponse({
    status: response.status,
    body,
    wwwAuthenticate: response.headers.get('www-authenticate'),
    request: 'GET /api/v1/user',
  });
  const lines =
    response.status === 401
      ? [
          `The token of ${text(session.label)} is not valid any more (401${mapped.code ? ` ${text(mapped.code)}` : ''}): it expired or was revoked. GitShare renews it on the next request; if that fails, sign in again.`,
        ]
      : [`GET /api/v1/user answered HTTP ${response.status}: ${mapped.message}`];
  return { title, status: 'failed', lines: [...lines, scopeLine] };
}

export async function checkApiCall(
  origin: string,
  session: SessionToCheck,
  fetch: FetchLike,
  timeoutMs: number,
): Promise<CheckStep> {
  const title = 'API call';
  const answer = await call(origin, '/api/v1/folders/?limit=1', session, fetch, timeoutMs);
  if ('error' in answer) {
    return { title, status: 'failed', lines: [answer.error] };
  }
  const { response, ms } = answer;
  if (response.status === 200) {
    const page = (await response.json().catch(() => undefined)) as { entries?: unknown } | undefined;
    if (!page || !Array.isArray(page.entries)) {
      return {
        title,
        status: 'failed',
        lines: [
          'GET /api/v1/folders/ answered 200 but not with a folder listing. A proxy may be answering instead of GitShare.',
        ],
      };
    }
    return {
      title,
      status: 'ok',
      lines: [`GET /api/v1/folders/?limit=1 answered 200 in ${ms} ms: the root folder can be listed.`],
    };
  }
  const body = parseServerErrorBody(await response.text().catch(() => ''));
  const mapped = errorFromResponse({
    status: response.status,
    body,
    wwwAuthenticate: response.headers.get('www-authenticate'),
    request: 'GET /api/v1/folders/',
  });
  return {
    title,
    status: 'failed',
    lines: [`GET /api/v1/folders/ answered HTTP ${response.status}: ${mapped.message}`],
  };
}

async function call(
  origin: string,
  path: string,
  session: SessionToCheck,
  fetch: FetchLike,
  timeoutMs: number,
): Promise<{ response: Response; ms: number } | { error: string }> {
  const started = Date.now();
  try {
    const response = await fetch(origin + path, {
      method: 'GET',
      headers: { Accept: 'application/json', Authorization: `Bearer ${session.accessToken}` },
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs) as never,
    });
    return { response, ms: Date.now() - started };
  } catch (error) {
    return { error: failure(origin, error, timeoutMs) };
  }
}

// ---- helpers

function failure(origin: string, error: unknown, timeoutMs: number): string {
  const name = error instanceof Error ? error.name : '';
  if (name === 'TimeoutError' || name === 'AbortError') {
    return `No answer from ${new URL(origin).host} within ${timeoutMs / 1000} s.`;
  }
  const certificate = certificateError(origin, error);
  if (certificate) {
    return certificate.message;
  }
  const mapped = networkError(origin, '', error);
  return `${mapped.message} (${describeError(error)})`;
}

function safeOrigin(value: string): string | undefined {
  try {
    return new URL(value).origin;
  } catch {
    return undefined;
  }
}
