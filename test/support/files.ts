/**
 * What is on disk below a folder, for tests that prove nothing was lost or left behind: a download
 * folder, or the local server's data folder.
 */

import type * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';

/** Every file below `dir` (relative paths, sorted), or [] when it does not exist. */
export async function filesBelow(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    let entries: fs.Dirent[];
    try {
      entries = await fsp.readdir(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        await walk(p);
      } else {
        out.push(path.relative(dir, p));
      }
    }
  };
  await walk(dir);
  return out.sort();
}
