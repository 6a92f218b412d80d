/**
 * Typed errors. Each carries a short message written for the person at the
 * keyboard (`message`) and, separately, details for the log (`detail`, `cause`).
 * Never put a token, code, verifier or secret in either.
 * Protocol code throws these in plain Node too.
 */

import * as l10n from '@vscode/l10n';

export type ErrorKind =
  /** The person cancelled; nothing is shown. */
  | 'cancelled'
  /** The server could not be reached, or the connection broke. */
  | 'network'
  /** The server's TLS certificate is not trusted here (unknown CA, expired, wrong name). */
  | 'certificate'
  /**
   * In the browser: the server answered, but not for this web page's origin (no CORS), so the
   * browser hid the answer. It stays so until the server allows the origin: never retried.
   */
  | 'cors'
  /** No answer in time. */
  | 'timeout'
  /** The session is gone: the person must sign in again. */
  | 'signInRequired'
  /** 403 */
  | 'forbidden'
  /** 404 */
  | 'notFound'
  /** 409 */
  | 'conflict'
  /** 412: the remote file changed since it was read. */
  | 'preconditionFailed'
  /** 413 */
  | 'tooLarge'
  /** 429 after retries. */
  | 'rateLimited'
  /** 5xx after retries, or an answer that breaks the contract. */
  | 'server'
  /** The server answered something the client cannot use. */
  | 'protocol'
  /** Input from the person or from the server that we refuse. */
  | 'invalidInput'
  /** Anything else. */
  | 'unexpected';

export interface GitShareErrorOptions {
  /** Details for the log only. */
  readonly detail?: string;
  readonly cause?: unknown;
  /** The HTTP status, when the error came from a response. */
  readonly status?: number;
  /** The `error` field of the server's JSON body, when there was one. */
  readonly code?: string;
}

export class GitShareError extends Error {
  override readonly name: string = 'GitShareError';
  readonly detail?: string;
  readonly status?: number;
  readonly code?: string;

  constructor(
    readonly kind: ErrorKind,
    message: string,
    options: GitShareErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.detail = options.detail;
    this.status = options.status;
    this.code = options.code;
  }
}

export class CancelledError extends GitShareError {
  override readonly name = 'CancelledError';
  constructor(message = 'Cancelled', options: Pick<GitShareErrorOptions, 'code'> = {}) {
    super('cancelled', message, options);
  }
}

/**
 * The person said no on GitShare's own consent page (OAuth `access_denied`). It is
 * a cancellation, but one VS Code did not see, so the ErrorHandler says it happened.
 */
export class DeniedOnServerError extends CancelledError {
  constructor() {
    super(l10n.t('Sign-in was cancelled on GitShare.'), { code: 'access_denied' });
  }
}

export function isCancellation(error: unknown): boolean {
  if (error instanceof GitShareError) {
    return error.kind === 'cancelled';
  }
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'Canceled');
}

/** Wraps anything thrown into a GitShareError without losing the original. */
export function toGitShareError(error: unknown): GitShareError {
  if (error instanceof GitShareError) {
    return error;
  }
  if (isCancellation(error)) {
    return new CancelledError();
  }
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new GitShareError('unexpected', l10n.t('Something went wrong.'), { detail, cause: error });
}
