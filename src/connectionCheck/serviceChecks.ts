/**
 * Check Connection's questions to GitShare itself, over the HTTP the extension uses (VS Code's
 * proxy and certificates): the sign-in endpoints (OAuth metadata, or the documented paths), the
 * session's token and scopes, and one API call. A failure here, after the network steps of
 * networkChecks.ts passed, points at the server, the proxy's answer or the session.
 */
import * as l10n from '@vscode/l10n';
import { GitShareError } from '../common/errors';
import type { HttpResponse, HttpTransport } from '../common/http';
import { checkStep, stepTitle, text, type CheckStep, type StepStatus } from './connectionReport';
import { certificateError, errorFromResponse, networkError, parseServerErrorBody } from '../api/errorMapping';
import { MAX_ERROR_BODY_BYTES } from '../api/requester';
import { describeError } from './networkSteps';

export interface SessionToCheck {
  /** The account's label (user name), shown in the report. */
  readonly label: string;
  /** Used for the two authenticated requests; never written anywhere. */
  readonly accessToken: string;
  readonly scopes: readonly string[];
}

const REQUIRED_SCOPES = ['files:read', 'files:write'];

/**
 * The most of one answer the check reads: OAuth metadata, the user and a one-entry listing are a
 * few KiB (1 MiB is also the sign-in's cap on an OAuth answer). A body past it is not GitShare's
 * answer, and is not read on: a server or proxy that never ends one cannot hold the check.
 */
const MAX_ANSWER_BYTES = 1024 * 1024;

export async function checkSignInEndpoints(
  origin: string,
  transport: HttpTransport,
  timeoutMs: number,
): Promise<{ step: CheckStep; certificateProblem?: string }> {
  const id = 'endpoints';
  const where = `${origin}/.well-known/oauth-authorization-server`;
  let response: HttpResponse;
  const started = Date.now();
  try {
    response = await transport(where, {
      method: 'GET',
      headers: { Accept: 'application/json' },
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const certificate = certificateError(origin, error);
    if (certificate) {
      return {
        step: checkStep(id, 'failed', [
          l10n.t('Not asked: the certificate was refused (see {0}). Nothing was sent.', stepTitle('tls')),
        ]),
        certificateProblem: certificate.message,
      };
    }
    return { step: checkStep(id, 'failed', [failure(origin, error, timeoutMs)]) };
  }
  const ms = Date.now() - started;
  if (response.status === 404) {
    await discard(response);
    return {
      step: checkStep(id, 'ok', [
        l10n.t(
          'No OAuth metadata (404 in {0} ms): the documented paths are used, {1} and {2}.',
          ms,
          `${origin}/oauth2/authorize/`,
          `${origin}/oauth2/token/`,
        ),
      ]),
    };
  }
  if (response.status !== 200) {
    const body = parseServerErrorBody(await readErrorBody(response));
    return {
      step: checkStep(id, 'failed', [
        body.error
          ? l10n.t(
              '{0} answered HTTP {1} {2}. A proxy or another server may be answering instead of GitShare.',
              where,
              response.status,
              text(body.error),
            )
          : l10n.t(
              '{0} answered HTTP {1}. A proxy or another server may be answering instead of GitShare.',
              where,
              response.status,
            ),
      ]),
    };
  }
  const answer = await readJson(response);
  if (answer === tooLarge) {
    return { step: checkStep(id, 'failed', [tooLargeLine(where)]) };
  }
  const metadata = answer as Record<string, unknown> | undefined;
  if (!metadata || typeof metadata.issuer !== 'string') {
    return {
      step: checkStep(id, 'failed', [l10n.t('{0} did not return OAuth metadata (JSON with an issuer).', where)]),
    };
  }
  const lines = [l10n.t('OAuth metadata (RFC 8414) in {0} ms, issuer {1}', ms, text(metadata.issuer))];
  let status: StepStatus = 'ok';
  if (metadata.issuer.replace(/\/+$/, '') !== origin) {
    status = 'failed';
    lines.push(l10n.t('The issuer is not {0}: the metadata belongs to another server, so sign-in refuses it.', origin));
  }
  for (const key of ['authorization_endpoint', 'token_endpoint', 'registration_endpoint', 'revocation_endpoint']) {
    const value = metadata[key];
    if (typeof value === 'string') {
      const onOrigin = safeOrigin(value) === origin;
      lines.push(
        onOrigin
          ? l10n.t('{0}: {1}', key, text(value))
          : l10n.t("{0}: {1} — not on the server's origin", key, text(value)),
      );
      if (!onOrigin) {
        status = 'failed';
      }
    } else if (key === 'authorization_endpoint' || key === 'token_endpoint') {
      lines.push(l10n.t('{0}: not given, the documented path is used', key));
    } else if (key === 'registration_endpoint') {
      lines.push(l10n.t('{0}: not offered (set {1} to an application registered by hand)', key, 'gitshare.clientId'));
    } else {
      lines.push(l10n.t('{0}: not offered', key));
    }
  }
  return { step: checkStep(id, status, lines) };
}

/**
 * In the browser: does GitShare answer requests from this page's origin? One request that needs a
 * preflight (a bearer header, as every API call has) and fails with 401 on purpose: readable only
 * when the preflight and the answer both allow the origin, errors included (contract section 4).
 */
export async function checkBrowserAccess(
  origin: string,
  transport: HttpTransport,
  timeoutMs: number,
): Promise<{ step: CheckStep; originRefused: boolean }> {
  const id = 'cors';
  let response: HttpResponse;
  try {
    response = await transport(`${origin}/api/v1/user`, {
      method: 'GET',
      headers: { Accept: 'application/json', Authorization: 'Bearer gitshare-check-connection' },
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    return {
      step: checkStep(id, 'failed', [failure(origin, error, timeoutMs)]),
      // Then every later request fails the same way, and would only say it again.
      originRefused: error instanceof GitShareError && error.kind === 'cors',
    };
  }
  await discard(response);
  if (response.status === 401 && !response.headers.get('www-authenticate')) {
    return {
      step: checkStep(id, 'warning', [
        l10n.t('GitShare answers requests from VS Code in the browser.'),
        l10n.t(
          'It hides its headers from the browser ({0} does not list {1}): without the ETag, saving cannot tell whether the file changed on GitShare. Ask the administrator of the server to expose them.',
          'Access-Control-Expose-Headers',
          'WWW-Authenticate, ETag',
        ),
      ]),
      originRefused: false,
    };
  }
  return {
    step: checkStep(id, 'ok', [
      l10n.t('GitShare answers requests from VS Code in the browser, errors included (HTTP {0}).', response.status),
    ]),
    originRefused: false,
  };
}

export async function checkToken(
  origin: string,
  session: SessionToCheck,
  transport: HttpTransport,
  timeoutMs: number,
): Promise<CheckStep> {
  const id = 'session';
  const scopes = session.scopes.length ? text(session.scopes.join(' ')) : l10n.t('(none recorded)');
  const missing = REQUIRED_SCOPES.filter((s) => !session.scopes.includes(s));
  const scopeLine = missing.length
    ? l10n.t(
        'Scopes: {0} — missing {1}: sign out and sign in again, and allow file access.',
        scopes,
        missing.join(', '),
      )
    : l10n.t('Scopes: {0}', scopes);
  const request = 'GET /api/v1/user';
  const answer = await call(origin, '/api/v1/user', session, transport, timeoutMs);
  if ('error' in answer) {
    return checkStep(id, 'failed', [l10n.t('Signed in as {0}.', text(session.label)), answer.error]);
  }
  const { response, ms } = answer;
  if (response.status === 200) {
    const body = await readJson(response);
    if (body === tooLarge) {
      return checkStep(id, 'failed', [tooLargeLine(request), scopeLine]);
    }
    const user = body as { username?: unknown } | undefined;
    const name = typeof user?.username === 'string' ? user.username : '?';
    return checkStep(id, missing.length ? 'warning' : 'ok', [
      l10n.t('The token is valid: {0} answered 200 in {1} ms for {2}.', request, ms, text(name)),
      scopeLine,
    ]);
  }
  const mapped = await refusal(response, request);
  let verdict: string;
  if (response.status !== 401) {
    verdict = l10n.t('{0} answered HTTP {1}: {2}', request, response.status, mapped.message);
  } else if (mapped.code) {
    verdict = l10n.t(
      'The token of {0} is not valid any more (401 {1}): it expired or was revoked. GitShare renews it on the next request; if that fails, sign in again.',
      text(session.label),
      text(mapped.code),
    );
  } else {
    verdict = l10n.t(
      'The token of {0} is not valid any more (401): it expired or was revoked. GitShare renews it on the next request; if that fails, sign in again.',
      text(session.label),
    );
  }
  return checkStep(id, 'failed', [verdict, scopeLine]);
}

export async function checkApiCall(
  origin: string,
  session: SessionToCheck,
  transport: HttpTransport,
  timeoutMs: number,
): Promise<CheckStep> {
  const id = 'api';
  const answer = await call(origin, '/api/v1/folders/?limit=1', session, transport, timeoutMs);
  if ('error' in answer) {
    return checkStep(id, 'failed', [answer.error]);
  }
  const { response, ms } = answer;
  if (response.status === 200) {
    const body = await readJson(response);
    if (body === tooLarge) {
      return checkStep(id, 'failed', [tooLargeLine('GET /api/v1/folders/')]);
    }
    const page = body as { entries?: unknown } | undefined;
    if (!page || !Array.isArray(page.entries)) {
      return checkStep(id, 'failed', [
        l10n.t(
          '{0} answered 200 but not with a folder listing. A proxy may be answering instead of GitShare.',
          'GET /api/v1/folders/',
        ),
      ]);
    }
    return checkStep(id, 'ok', [
      l10n.t('{0} answered 200 in {1} ms: the root folder can be listed.', 'GET /api/v1/folders/?limit=1', ms),
    ]);
  }
  const mapped = await refusal(response, 'GET /api/v1/folders/');
  return checkStep(id, 'failed', [
    l10n.t('{0} answered HTTP {1}: {2}', 'GET /api/v1/folders/', response.status, mapped.message),
  ]);
}

async function call(
  origin: string,
  path: string,
  session: SessionToCheck,
  transport: HttpTransport,
  timeoutMs: number,
): Promise<{ response: HttpResponse; ms: number } | { error: string }> {
  const started = Date.now();
  try {
    const response = await transport(origin + path, {
      method: 'GET',
      headers: { Accept: 'application/json', Authorization: `Bearer ${session.accessToken}` },
      signal: AbortSignal.timeout(timeoutMs),
    });
    return { response, ms: Date.now() - started };
  } catch (error) {
    return { error: failure(origin, error, timeoutMs) };
  }
}

// ---- helpers

/** What the API client would make of this refusal: the same typed error, so the report words it the same way. */
async function refusal(response: HttpResponse, request: string): Promise<GitShareError> {
  const body = parseServerErrorBody(await readErrorBody(response));
  return errorFromResponse({
    status: response.status,
    body,
    wwwAuthenticate: response.headers.get('www-authenticate'),
    request,
  });
}

const tooLarge = Symbol('tooLarge');

/** The answer parsed, undefined when it is not JSON, `tooLarge` past MAX_ANSWER_BYTES. */
async function readJson(response: HttpResponse): Promise<unknown> {
  const raw = await readText(response, MAX_ANSWER_BYTES).catch(() => '');
  if (raw === undefined) {
    return tooLarge;
  }
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}

/** An error answer's first MAX_ERROR_BODY_BYTES, as the API client reads it: only its `error` and `message` count. */
async function readErrorBody(response: HttpResponse): Promise<string> {
  return (await readText(response, MAX_ERROR_BODY_BYTES, true).catch(() => '')) ?? '';
}

/**
 * At most `maxBytes` of the body, as text; past that undefined (or, with `truncate`, what came
 * so far), and the rest is not read: leaving the loop cancels the body.
 */
async function readText(response: HttpResponse, maxBytes: number, truncate = false): Promise<string | undefined> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  let over = false;
  for await (const chunk of response.body ?? []) {
    if (size + chunk.byteLength > maxBytes) {
      chunks.push(chunk.subarray(0, maxBytes - size));
      over = true;
      break;
    }
    chunks.push(chunk);
    size += chunk.byteLength;
  }
  if (over && !truncate) {
    return undefined;
  }
  const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

/** Drops a body that is not needed, unread. */
async function discard(response: HttpResponse): Promise<void> {
  await readText(response, 0).catch(() => undefined);
}

function tooLargeLine(what: string): string {
  return l10n.t(
    '{0} answered with more than {1}, far more than GitShare sends, so the answer was not read. A proxy or another server may be answering instead of GitShare.',
    what,
    `${MAX_ANSWER_BYTES / (1024 * 1024)} MiB`,
  );
}

function failure(origin: string, error: unknown, timeoutMs: number): string {
  if (error instanceof GitShareError) {
    // Named by the transport already (a browser refusing the origin, say).
    return error.message;
  }
  const name = error instanceof Error ? error.name : '';
  if (name === 'TimeoutError' || name === 'AbortError') {
    return l10n.t('No answer from {0} within {1} s.', new URL(origin).host, timeoutMs / 1000);
  }
  const certificate = certificateError(origin, error);
  if (certificate) {
    return certificate.message;
  }
  const mapped = networkError(origin, '', error);
  return l10n.t('{0} ({1})', mapped.message, describeError(error));
}

function safeOrigin(value: string): string | undefined {
  try {
    return new URL(value).origin;
  } catch {
    return undefined;
  }
}
