/**
 * "Keep Both": the first free name next to a file, `a (1).txt`, `a (2).txt`, …,
 * on GitShare or on the local side.
 */

import type { GitShareClient } from '../api/client';
import { baseName, joinPath, keepBothName, parentPath } from '../api/paths';
import type { LocalFiles } from './localFiles';

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

export async function freeLocalPath(files: LocalFiles, location: string): Promise<string> {
  const folder = files.parent(location);
  const name = files.name(location);
  const taken = new Set<string>();
  for (;;) {
    const candidate = keepBothName(name, (c) => taken.has(c));
    const full = files.join(folder, candidate);
    if (!(await files.exists(full))) {
      return full;
    }
    taken.add(candidate);
  }
}
