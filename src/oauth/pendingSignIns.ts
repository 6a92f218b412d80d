/**
 * The sign-ins waiting for the browser to come back. Each is keyed by its
 * `state`, which is single use and lives only as long as its attempt: a
 * callback with a missing, unknown or already used state, or one that arrives
 * when nothing is pending, is logged and ignored, so it never leads to a token
 * request.
 *
 * Mix-up defence (RFC 9700 §4.4): each server has its own callback path, and a
 * callback must arrive on the path of the server its attempt started with. A
 * callback with the right state on another server's path means a server sent
 * the person to a different server's consent page: that attempt ends, and the
 * code is never sent to the server that started it.
 */
import * as l10n from '@vscode/l10n';
import { sha256, toBase64Url } from '../common/bytes';
import { AUTH_CALLBACK_PATH } from '../common/constants';
import { CancelledError, GitShareError } from '../common/errors';
import { Logger } from '../common/logger';

/** The sign-in waited `timeoutMs` for GitShare and stopped; the message names that time. */
export function signInTimedOut(timeoutMs: number, detail?: string): GitShareError {
  return new GitShareError(
    'timeout',
    l10n.t(
      'GitShare did not answer within {0}, so the sign-in was stopped. Please try again.',
      describeDuration(timeoutMs),
    ),
    { detail },
  );
}

/** "5 minutes", "1 minute", "30 seconds": whole minutes from a minute on, else whole seconds (at least 1). */
export function describeDuration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (ms >= 60_000) {
    return minutes === 1 ? l10n.t('1 minute') : l10n.t('{0} minutes', minutes);
  }
  const seconds = Math.max(1, Math.round(ms / 1000));
  return seconds === 1 ? l10n.t('1 second') : l10n.t('{0} seconds', seconds);
}

/**
 * The callback path of one server: `/did-authenticate/<12 characters of the
 * base64url SHA-256 of its origin>` (the origin is the issuer: discovery insists).
 */
export async function callbackPathFor(serverUrl: string): Promise<string> {
  const origin = new URL(serverUrl).origin;
  return `${AUTH_CALLBACK_PATH}/${toBase64Url(await sha256(origin)).slice(0, 12)}`;
}

export interface PendingSignIn {
  readonly state: string;
  /** Resolves with the callback's query parameters; rejects on timeout or cancel. */
  readonly callback: Promise<URLSearchParams>;
  /** Ends the wait; the state stops being accepted. */
  cancel(error?: Error): void;
}

interface Entry {
  readonly resolve: (parameters: URLSearchParams) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
  readonly callbackPath: string;
}

/** How many finished states to remember, to tell "reused" from "unknown" in the log. */
const REMEMBERED_STATES = 32;

export class PendingSignIns {
  private readonly pending = new Map<string, Entry>();
  private readonly finished: string[] = [];

  constructor(private readonly logger: Logger) {}

  get size(): number {
    return this.pending.size;
  }

  /** `callbackPath`: where this attempt's callback must arrive (see callbackPathFor). */
  begin(state: string, timeoutMs: number, callbackPath: string): PendingSignIn {
    if (this.pending.has(state)) {
      // eslint-disable-next-line gitshare/localized-text -- a programming error, never shown
      throw new Error('state already pending');
    }
    this.logger.redact(state);
    let entry!: Entry;
    const callback = new Promise<URLSearchParams>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.finish(state);
        reject(signInTimedOut(timeoutMs, `no callback within ${Math.round(timeoutMs / 1000)} s`));
      }, timeoutMs);
      timer.unref?.();
      entry = { resolve, reject, timer, callbackPath };
    });
    // A rejection nobody awaits (the attempt moved on) must not surface as unhandled.
    callback.catch(() => undefined);
    this.pending.set(state, entry);
    return {
      state,
      callback,
      cancel: (error?: Error) => {
        if (this.finish(state)) {
          entry.reject(error ?? new CancelledError());
        }
      },
    };
  }

  /**
   * Hands a callback that arrived on `path` to the attempt its state names.
   * Returns false, and makes no request of any kind, when the state does not
   * match a pending attempt, or when the path is not that attempt's (which also
   * ends the attempt).
   */
  handleCallback(query: URLSearchParams, path: string): boolean {
    const state = query.get('state');
    if (!state) {
      this.logger.warn(`Ignored a sign-in callback without state (${this.pending.size} sign-in(s) pending)`);
      return false;
    }
    const entry = this.pending.get(state);
    if (!entry) {
      const why = this.finished.includes(state)
        ? 'an already used'
        : this.pending.size
          ? 'an unknown'
          : 'a state while no sign-in is pending, with an unknown';
      this.logger.warn(`Ignored a sign-in callback with ${why} state`);
      return false;
    }
    this.finish(state);
    if (path !== entry.callbackPath) {
      this.logger.warn(
        `Stopped a sign-in: its callback came back on ${path}, the path of another server, not ${entry.callbackPath}`,
      );
      entry.reject(
        new GitShareError(
          'protocol',
          l10n.t(
            'The sign-in came back from a different GitShare server than the one it started with, so it was stopped. Please try again.',
          ),
          {
            detail: `callback path ${path}, expected ${entry.callbackPath}`,
          },
        ),
      );
      return false;
    }
    entry.resolve(query);
    return true;
  }

  dispose(): void {
    for (const [state, entry] of [...this.pending]) {
      this.finish(state);
      entry.reject(new CancelledError());
    }
  }

  private finish(state: string): boolean {
    const entry = this.pending.get(state);
    if (!entry) {
      return false;
    }
    clearTimeout(entry.timer);
    this.pending.delete(state);
    this.finished.push(state);
    if (this.finished.length > REMEMBERED_STATES) {
      this.finished.shift();
    }
    return true;
  }
}
