/**
 * The local GitShare server's data folder as tests look into it, to check what landed on disk
 * without going through the client: an account's files are under `<data>/files/<user id>/`, user
 * ids counting from 1 in the order of the server's accounts (`--user` flags; demo alone is 1).
 */
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';

/** The folder of account `userId`'s files in the server's data folder `dataDir`. */
export function accountDir(dataDir: string, userId: number): string {
  return path.join(dataDir, 'files', String(userId));
}

/** The account folder in `dataDir` that holds `marker` (a path relative to it), when ids are not known. */
export async function accountFolder(dataDir: string, marker: string): Promise<string> {
  const root = path.join(dataDir, 'files');
  for (const id of await fsp.readdir(root)) {
    if (
      await fsp.stat(path.join(root, id, marker)).then(
        () => true,
        () => false,
      )
    ) {
      return path.join(root, id);
    }
  }
  throw new Error(`no account folder holds ${marker}`);
}
