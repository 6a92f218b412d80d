/**
 * "Keep Both": the first free name next to a file, `a (1).txt`, `a (2).txt`, …,
 * on GitShare or on the local disk.
 */

import * as fsp from 'node:fs/promises';
import * as nodePath from 'node:path';
import type { GitShareClient } from '../api/client';
import { baseName, joinPath, keepBothName, parentPath } from '../api/paths';

/** `a (1).txt`, `a (2).txt`, … next to `path`: the first that does not exist on the server. */
export async function freeRemotePath(client: GitShareClient, path: string, signal?: AbortSignal): Promise<string> {
  const folder = parentPath(path);
  const name = baseName(path);
  const taken = new Set<string>();
  for (;;) {
    const candidate = keepBothName(name, (c) => taken.has(c));
    const full = joinPath(folder, candidate);
    if (!(await client.tryEntry(full, signal))) {
      return full;
    }
    taken.add(candidate);
  }
}

export async function freeLocalPath(path: string): Promise<string> {
  const folder = nodePath.dirname(path);
  const name = nodePath.basename(path);
  const taken = new Set<string>();
  for (;;) {
    const candidate = keepBothName(name, (c) => taken.has(c));
    const full = nodePath.join(folder, candidate);
    if (!(await exists(full))) {
      return full;
    }
    taken.add(candidate);
  }
}

export function exists(path: string): Promise<boolean> {
  return fsp.lstat(path).then(
    () => true,
    () => false,
  );
}
