/**
 * Turns HTTP outcomes into GitShareErrors: a short message for the person,
 * the server's own words kept in `detail` for the log.
 * This module imports no `vscode`.
 */

import { GitShareError, type ErrorKind } from '../common/errors';

export interface ServerErrorBody {
  readonly error?: string;
  readonly message?: string;
}

export function parseServerErrorBody(text: string): ServerErrorBody {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null) {
      const record = value as Record<string, unknown>;
      return {
        error: typeof record.error === 'string' ? record.error : undefined,
        message: typeof record.message === 'string' ? record.message : undefined,
      };
    }
  } catch {
    // Not JSON: a proxy's HTML page, say. The status still tells us enough.
  }
  return {};
}

/** The `error="…"` parameter of a `WWW-Authenticate: Bearer` challenge. */
export function bearerError(challenge: string | null | undefined): string | undefined {
  const match = challenge ? /error="([^"]*)"/i.exec(challenge) : null;
  return match ? match[1] : undefined;
}

const CONFLICT_MESSAGES: Record<string, string> = {
  already_exists: 'Something with that name already exists on GitShare.',
  not_empty: 'The folder is not empty.',
  not_a_folder: 'That is a file, not a folder.',
  not_a_file: 'That is a folder, not a file.',
};

export interface ResponseFacts {
  readonly status: number;
  readonly body: ServerErrorBody;
  readonly wwwAuthenticate?: string | null;
  /** e.g. `GET /api/v1/files/a.txt`, for the log. */
  readonly request: string;
}

export function errorFromResponse(facts: ResponseFacts): GitShareError {
  const { status, body } = facts;
  const code = body.error ?? bearerError(facts.wwwAuthenticate);
  const detail = `${facts.request} → ${status}${code ? ` ${code}` : ''}${body.message ? `: ${body.message}` : ''}`;
  let kind: ErrorKind;
  let message: string;
  switch (true) {
    case status === 400 && code === 'invalid_path':
      kind = 'invalidInput';
      message = 'GitShare does not accept that name.';
      break;
    case status === 400:
      kind = 'protocol';
      message = 'GitShare did not accept the request.';
      break;
    case status === 401:
      kind = 'signInRequired';
      message = 'Your GitShare session has ended. Sign in again.';
      break;
    case status === 403:
      kind = 'forbidden';
      message =
        code === 'insufficient_scope'
          ? 'Your GitShare sign-in does not allow this. Sign in again and allow file access.'
          : 'You do not have permission to do this on GitShare.';
      break;
    case status === 404:
      kind = 'notFound';
      message = 'The file or folder was not found on GitShare.';
      break;
    case status === 409:
      kind = 'conflict';
      message = (code && CONFLICT_MESSAGES[code]) || 'That conflicts with what is on GitShare.';
      break;
    case status === 412:
      kind = 'preconditionFailed';
      message = 'The file changed on GitShare since you opened it.';
      break;
    case status === 413:
      kind = 'tooLarge';
      message = 'The file is too large for GitShare.';
      break;
    case status === 429:
      kind = 'rateLimited';
      message = 'GitShare is busy. Try again in a moment.';
      break;
    case status >= 500:
      kind = 'server';
      message = 'GitShare had a problem. Try again later.';
      break;
    default:
      kind = 'protocol';
      message = `GitShare answered unexpectedly (HTTP ${status}).`;
  }
  return new GitShareError(kind, message, { detail, status, code });
}

/** A failure below HTTP: refused, reset, DNS, TLS. */
export function networkError(serverUrl: string, request: string, cause: unknown): GitShareError {
  const code = (cause as { code?: string } | undefined)?.code;
  const host = safeHost(serverUrl);
  return new GitShareError('network', `Cannot reach GitShare at ${host}. Check your connection.`, {
    detail: `${request}: ${code ?? ''} ${cause instanceof Error ? cause.message : String(cause)}`.trim(),
    cause,
    code,
  });
}

export function timeoutError(serverUrl: string, request: string, ms: number): GitShareError {
  return new GitShareError('timeout', `GitShare at ${safeHost(serverUrl)} did not answer in time.`, {
    detail: `${request}: no progress for ${ms} ms`,
  });
}

function safeHost(serverUrl: string): string {
  try {
    return new URL(serverUrl).host;
  } catch {
    return serverUrl;
  }
}
