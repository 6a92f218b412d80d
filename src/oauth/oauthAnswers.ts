/**
 * The typed errors of sign-in's OAuth answers, and the one place an answer is checked:
 * oauth4webapi's verdict on a token, registration or revocation answer becomes one
 * `GitShareError` whose message says what to do; the library's own text goes to the
 * log only. Used by oauthClient.ts and clientRegistration.ts.
 */
import * as l10n from '@vscode/l10n';
import * as oauth from 'oauth4webapi';
import { GitShareError } from '../common/errors';
import { Logger } from '../common/logger';
import { unreadableAnswer } from '../api/errorMapping';
import { describe } from './oauthHttp';

/** Statuses that say "there is nothing here", as opposed to "something broke". */
export const ABSENT_STATUSES = new Set([404, 405, 410, 501]);

/** 401 `invalid_client` from the token endpoint: the client id or secret is wrong. */
export class ClientRejectedError extends GitShareError {
  override readonly name = 'ClientRejectedError';
  constructor(detail: string) {
    super(
      'invalidInput',
      'GitShare did not accept the client id or secret. Check them on GitShare and enter them again.',
      {
        status: 401,
        code: 'invalid_client',
        detail,
      },
    );
  }
}

/**
 * Runs oauth4webapi's check of an answer and turns what it throws into one
 * typed error whose message says what to do; its own text goes to the log only.
 */
export async function checkAnswer<T>(
  logger: Logger,
  what: string,
  process: () => Promise<T>,
  mapCode?: (code: string) => GitShareError | undefined,
): Promise<T> {
  try {
    return await process();
  } catch (error) {
    const status =
      error instanceof oauth.ResponseBodyError || error instanceof oauth.WWWAuthenticateChallengeError
        ? error.status
        : (error as { cause?: unknown })?.cause instanceof Response
          ? (error as { cause: Response }).cause.status
          : undefined;
    const code = error instanceof oauth.ResponseBodyError ? error.error : undefined;
    const detail = `${what}: ${status === undefined ? '' : `HTTP ${status} `}${code ?? describe(error)}`;
    if (code === 'invalid_client' || (status === 401 && what !== 'registration')) {
      logger.warn(detail);
      throw new ClientRejectedError(detail);
    }
    const mapped = code === undefined ? undefined : mapCode?.(code);
    if (mapped) {
      logger.warn(detail);
      throw mapped;
    }
    if (status !== undefined && status >= 500) {
      throw new GitShareError('server', l10n.t('GitShare is not working right now. Try again later.'), {
        status,
        code,
        detail,
      });
    }
    if (code !== undefined) {
      throw new GitShareError(
        'protocol',
        l10n.t('GitShare refused the sign-in request. Show the log for its answer.'),
        {
          status,
          code,
          detail,
        },
      );
    }
    throw new GitShareError('protocol', unreadableAnswer(), { status, detail });
  }
}
