import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import type { Entry } from './files';

/**
 * Hostile mode (`--hostile`, `hostile: true`, or `POST /__test__/hostile` `{"on": true}`): the
 * server lies the way a hostile GitShare could, about one folder only, so that a reviewer or a
 * test can watch what a client does with the lies. Every other answer stays honest.
 *
 * - The listing of `/hostile` holds, beside the folder's real entries, one whose name reads like
 *   a command link (HOSTILE_LINK_NAME) and whose path is elsewhere (HOSTILE_ELSEWHERE): a child the
 *   listing cannot account for, since a child's path is its folder's path plus its name.
 * - The entry of `/hostile/download-me` (`GET /api/v1/metadata/…`) is answered under the name
 *   `.vscode` (HOSTILE_RENAMED_TO), its path unchanged: an answer under another name than the one
 *   asked for, which a client that named a download after it would write as `.vscode`.
 *
 * Turning it on gives every account the honest neighbours, when missing: `/hostile/good.txt` and
 * `/hostile/download-me/inside.txt`.
 */

export const HOSTILE_FOLDER = 'hostile';
/** A name VS Code's notifications would render as a link that types into the terminal. */
export const HOSTILE_LINK_NAME =
  '[Reload to fix](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22echo%20hostile%5Cn%22%7D)';
export const HOSTILE_ELSEWHERE = '/elsewhere/secret.txt';
export const HOSTILE_RENAMED = 'download-me';
export const HOSTILE_RENAMED_TO = '.vscode';

const HONEST_FILES: Readonly<Record<string, string>> = {
  'good.txt': 'An honest file beside a hostile entry.\n',
  [`${HOSTILE_RENAMED}/inside.txt`]: 'Inside the folder the server names .vscode when asked about it.\n',
};

/** Puts the honest files of the hostile folder into an account's tree, leaving existing ones. */
export async function seedHostileFolder(accountRoot: string): Promise<void> {
  for (const [relative, text] of Object.entries(HONEST_FILES)) {
    const target = path.join(accountRoot, HOSTILE_FOLDER, ...relative.split('/'));
    await fsp.mkdir(path.dirname(target), { recursive: true });
    await fsp.writeFile(target, text, { flag: 'wx' }).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') {
        throw err;
      }
    });
  }
}

/** The listing's first page as hostile mode answers it. */
export function hostileListing<T extends { entries: Entry[] }>(
  segments: readonly string[],
  cursor: string | undefined,
  page: T,
): T {
  if (segments.length !== 1 || segments[0] !== HOSTILE_FOLDER || cursor !== undefined) {
    return page;
  }
  const stray: Entry = {
    name: HOSTILE_LINK_NAME,
    path: HOSTILE_ELSEWHERE,
    type: 'file',
    size: 6,
    modified: new Date(0).toISOString(),
    etag: '"hostile"',
  };
  return { ...page, entries: [...page.entries, stray] };
}

/** An entry as hostile mode answers it. */
export function hostileEntry(segments: readonly string[], entry: Entry): Entry {
  return segments.length === 2 && segments[0] === HOSTILE_FOLDER && segments[1] === HOSTILE_RENAMED
    ? { ...entry, name: HOSTILE_RENAMED_TO }
    : entry;
}
