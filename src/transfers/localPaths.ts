/**
 * Where a name from the server may land on the local disk. A folder download
 * writes files named by the server; a hostile or broken server must not be able
 * to write outside the chosen destination.
 * This module imports no `vscode`.
 */

import * as nodePath from 'node:path';
import { GitShareError } from '../common/errors';

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;

/**
 * Why `name` cannot be a single local file or folder name, or undefined when it can.
 * The reason reads after "it" (see refusedNameMessage).
 */
export function localNameProblem(name: string, platform: NodeJS.Platform = process.platform): string | undefined {
  if (name.length === 0) {
    return 'is empty';
  }
  if (name === '.' || name === '..') {
    return 'would leave the destination folder';
  }
  if (name.includes('\0')) {
    return 'contains a NUL character';
  }
  if (name.includes('/') || name.includes('\\')) {
    return 'contains a path separator';
  }
  if (nodePath.isAbsolute(name) || nodePath.win32.isAbsolute(name)) {
    return 'is an absolute path';
  }
  if (platform === 'win32') {
    if (/^[a-zA-Z]:/.test(name)) {
      return 'names a drive';
    }
    // eslint-disable-next-line no-control-regex -- control characters are exactly what Windows refuses
    if (/[<>:"|?*\u0000-\u001f]/.test(name)) {
      return 'contains a character Windows does not allow';
    }
    if (/[. ]$/.test(name)) {
      return 'ends with a dot or space';
    }
    if (WINDOWS_RESERVED.test(name)) {
      return 'is a reserved name on Windows';
    }
  }
  return undefined;
}

/** What the person reads about a name from the server that is not written to disk. */
export function refusedNameMessage(name: string, problem: string): string {
  return `Refused the name ${JSON.stringify(name)} from GitShare: it ${problem}.`;
}

/**
 * The local path for `segments` below `root`; throws `invalidInput` naming the
 * offending segment when any would escape. Checks the resolved result as well,
 * as a second line of defence.
 */
export function safeLocalPath(
  root: string,
  segments: readonly string[],
  platform: NodeJS.Platform = process.platform,
): string {
  for (const segment of segments) {
    const problem = localNameProblem(segment, platform);
    if (problem) {
      throw new GitShareError('invalidInput', refusedNameMessage(segment, problem), {
        detail: `unsafe name ${JSON.stringify(segment)} under ${root}`,
        code: 'unsafe_name',
      });
    }
  }
  const resolvedRoot = nodePath.resolve(root);
  const target = nodePath.resolve(resolvedRoot, ...segments);
  const relative = nodePath.relative(resolvedRoot, target);
  if (relative === '' || relative.startsWith('..') || nodePath.isAbsolute(relative)) {
    throw new GitShareError('invalidInput', 'Refused a name from GitShare that would leave the destination folder.', {
      detail: `unsafe path ${JSON.stringify(segments)} under ${root}`,
      code: 'unsafe_name',
    });
  }
  return target;
}
