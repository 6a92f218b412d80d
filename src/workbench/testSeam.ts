import type * as vscode from 'vscode';
import type { AccountDirectory } from '../common/accounts';
import type { ShownErrorSink } from './errorHandler';
import type { Interaction } from './interaction';

/**
 * What ExtensionMode.Test adds to the extension, as activate.ts sees it. src/testing/ implements
 * it; the entry file loads that bundle only in Test mode, and no production module imports it
 * (lint), so in normal use none of it is even in memory.
 */
export interface TestSeam {
  /** The Interaction every part holds: `real`, behind a seam where a test may put a fake. */
  interaction(real: Interaction): Interaction;
  /** Where the ErrorHandler records what it showed. */
  readonly shownErrors: ShownErrorSink;
  /** What `activate()` returns: the test API over these parts. */
  api<T>(parts: { accounts: AccountDirectory; filesView: vscode.TreeDataProvider<T> }): unknown;
}
