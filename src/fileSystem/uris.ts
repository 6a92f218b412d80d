/** `gitshare://<account authority>/<path>` and back. */

import * as vscode from 'vscode';
import { normalizePath } from '../api/paths';
import type { GitShareAccount } from '../common/accounts';
import { FS_SCHEME } from '../common/constants';

export function remoteUri(account: GitShareAccount, path: string): vscode.Uri {
  return vscode.Uri.from({ scheme: FS_SCHEME, authority: account.authority, path: normalizePath(path) });
}

export interface RemoteLocation {
  readonly authority: string;
  readonly path: string;
}

/** Throws a GitShareError of kind `invalidInput` when the path breaks the contract's rules. */
export function parseRemoteUri(uri: vscode.Uri): RemoteLocation {
  return { authority: uri.authority, path: normalizePath(uri.path || '/') };
}

export function isRemoteUri(value: unknown): value is vscode.Uri {
  return value instanceof vscode.Uri && value.scheme === FS_SCHEME;
}
