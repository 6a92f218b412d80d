/**
 * A folder read whole for VS Code (the Explorer, `workspace.fs.readDirectory`), bounded whatever
 * the server lists: a hostile server can list a folder without end or nest folders without end,
 * and VS Code, or an extension that walks the workspace, would follow. Like a download's plan
 * (transfers/plan.ts), past the bounds the folder is refused with a message that says why.
 */

import * as l10n from '@vscode/l10n';
import type { GitShareClient } from '../api/client';
import type { Entry } from '../api/types';
import { GitShareError } from '../common/errors';
import { formatCount } from '../common/format';

/** Entries of one folder read whole. The Files view shows a bigger one page by page. */
export const MAX_DIRECTORY_ENTRIES = 100_000;
/** Folders nested deeper than this are not listed (no real tree is; downloads stop there too). */
export const MAX_DIRECTORY_DEPTH = 64;

export interface DirectoryLimits {
  readonly maxEntries?: number;
  readonly maxDepth?: number;
}

/** Every entry of the folder at `path`, or a `tooLarge` error past the limits. */
export async function listDirectory(
  client: GitShareClient,
  path: string,
  limits: DirectoryLimits = {},
): Promise<Entry[]> {
  const maxEntries = limits.maxEntries ?? MAX_DIRECTORY_ENTRIES;
  const maxDepth = limits.maxDepth ?? MAX_DIRECTORY_DEPTH;
  const depth = path.split('/').filter(Boolean).length;
  if (depth > maxDepth) {
    throw new GitShareError('tooLarge', l10n.t('Folders nested deeper than {0} levels are not listed.', maxDepth), {
      detail: `${path}: ${depth} levels deep`,
    });
  }
  const entries: Entry[] = [];
  for await (const entry of client.iterateFolder(path, { pageSize: 1000 })) {
    if (entries.length === maxEntries) {
      throw new GitShareError(
        'tooLarge',
        l10n.t(
          'This folder holds more than {0} files and folders, too many to list here. The GitShare Files view shows it page by page.',
          formatCount(maxEntries),
        ),
        { detail: `${path}: more than ${maxEntries} entries` },
      );
    }
    entries.push(entry);
  }
  return entries;
}
