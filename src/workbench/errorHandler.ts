import * as vscode from 'vscode';
import { Commands } from '../common/constants';
import { DeniedOnServerError, isCancellation, toGitShareError, type ErrorKind } from '../common/errors';
import type { Interaction, Severity } from './interaction';
import { Logger } from '../common/logger';

/** An error the one error handler showed, as the person read it. */
export interface ShownError {
  /** The notification's text, e.g. `Download: GitShare is not reachable.` */
  readonly message: string;
  /** The action that failed, e.g. `Download`; undefined for errors shown without one. */
  readonly action?: string;
}

/** Where a Test-mode ErrorHandler records what it showed, for the tests to assert (src/testing/). */
export interface ShownErrorSink {
  add(error: ShownError): void;
}

const SHOW_LOG = vscode.l10n.t('Show Log');
const CHECK_CONNECTION = vscode.l10n.t('Check Connection');
const CONNECTION_KINDS = new Set<ErrorKind>(['network', 'timeout', 'certificate', 'cors']);

/**
 * The one place an error reaches the person: the details go to the log, a
 * short message goes on screen with "Show Log", and a cancellation shows
 * nothing. Every command goes through here. The message is shown as text
 * (see `Interaction.notify`): it may carry a file name or a server's words.
 */
export class ErrorHandler {
  constructor(
    private readonly logger: Logger,
    private readonly interaction: Interaction,
    /** Set only in ExtensionMode.Test: what was shown, for the tests to assert. */
    private readonly record?: ShownErrorSink,
  ) {}

  /** Logs and shows the error. Resolves when the message is dismissed. */
  async handle(error: unknown, action?: string): Promise<void> {
    if (isCancellation(error)) {
      this.logger.debug(`${action ?? 'Action'} cancelled`);
      if (error instanceof DeniedOnServerError) {
        // Cancelled in the browser, where VS Code cannot see it: say so, with nothing to look up in the log.
        await this.interaction.notify({ severity: 'info', message: error.message });
      }
      return;
    }
    const gitShareError = toGitShareError(error);
    this.logger.error(`${action ? action + ' failed' : 'Failed'}:`, gitShareError);
    const message = action
      ? vscode.l10n.t({
          message: '{0}: {1}',
          args: [action, gitShareError.message],
          comment: ['what failed: why'],
        })
      : gitShareError.message;
    this.record?.add({ message, action });
    // When the server cannot be reached or trusted, the step-by-step check is the next thing to try.
    await this.show('error', message, CONNECTION_KINDS.has(gitShareError.kind));
  }

  /**
   * Shows a short message whose details are in the log (a transfer's summary, say)
   * with "Show Log", and "Check Connection" when `offerCheck`. Resolves when dismissed.
   */
  async show(severity: Severity, message: string, offerCheck = false): Promise<void> {
    const choice = await this.interaction.notify({
      severity,
      message,
      actions: [...(offerCheck ? [CHECK_CONNECTION] : []), SHOW_LOG],
    });
    if (choice === SHOW_LOG) {
      await vscode.commands.executeCommand(Commands.showLog);
    } else if (choice === CHECK_CONNECTION) {
      await vscode.commands.executeCommand(Commands.checkConnection);
    }
  }

  /**
   * Wraps a command callback so that whatever it throws goes through `handle`.
   * The command itself resolves: a failure is the message on screen (and, in
   * Test mode, an entry in the record), not a rejected `executeCommand`.
   */
  wrap<A extends unknown[]>(action: string, callback: (...args: A) => unknown): (...args: A) => Promise<void> {
    return async (...args: A) => {
      try {
        await callback(...args);
      } catch (error) {
        // Not awaited: a command should finish even while the message is shown.
        void this.handle(error, action);
      }
    };
  }
}
