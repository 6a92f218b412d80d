/**
 * Where a name from the server may land on the local disk. A folder download
 * writes files named by the server; a hostile or broken server must not be able
 * to write outside the chosen destination.
 */

import * as l10n from '@vscode/l10n';
import { GitShareError } from '../common/errors';
import type { LocalFiles } from './localFiles';

/** Why a name from the server cannot be written to disk. */
export type LocalNameProblem =
  | 'empty'
  | 'leaves'
  | 'nul'
  | 'separator'
  | 'absolute'
  | 'drive'
  | 'windowsCharacter'
  | 'trailingDotOrSpace'
  | 'windowsReserved';

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;

/**
 * Why `name` cannot be a single local file or folder name, or undefined when it can.
 * refusedNameMessage says it in a whole sentence. `platform`: whose rules (LocalFiles.platform).
 */
export function localNameProblem(name: string, platform: string): LocalNameProblem | undefined {
  if (name.length === 0) {
    return 'empty';
  }
  if (name === '.' || name === '..') {
    return 'leaves';
  }
  if (name.includes('\0')) {
    return 'nul';
  }
  if (name.includes('/') || name.includes('\\')) {
    return 'separator';
  }
  // Unreachable after the separator rule, kept as its own line of defence: a rooted path on
  // any system (node:path's posix and win32 isAbsolute).
  if (/^([a-zA-Z]:)?[\\/]/.test(name)) {
    return 'absolute';
  }
  if (platform === 'win32') {
    if (/^[a-zA-Z]:/.test(name)) {
      return 'drive';
    }
    // eslint-disable-next-line no-control-regex -- control characters are exactly what Windows refuses
    if (/[<>:"|?*\u0000-\u001f]/.test(name)) {
      return 'windowsCharacter';
    }
    if (/[. ]$/.test(name)) {
      return 'trailingDotOrSpace';
    }
    if (WINDOWS_RESERVED.test(name)) {
      return 'windowsReserved';
    }
  }
  return undefined;
}

/** What the person reads about a name from the server that is not written to disk. */
export function refusedNameMessage(name: string, problem: LocalNameProblem): string {
  // One whole sentence per problem, so a translation never has to fit a fragment after "it".
  const quoted = JSON.stringify(name);
  switch (problem) {
    case 'empty':
      return l10n.t('Refused the name {0} from GitShare: it is empty.', quoted);
    case 'leaves':
      return l10n.t('Refused the name {0} from GitShare: it would leave the destination folder.', quoted);
    case 'nul':
      return l10n.t('Refused the name {0} from GitShare: it contains a NUL character.', quoted);
    case 'separator':
      return l10n.t('Refused the name {0} from GitShare: it contains a path separator.', quoted);
    case 'absolute':
      return l10n.t('Refused the name {0} from GitShare: it is an absolute path.', quoted);
    case 'drive':
      return l10n.t('Refused the name {0} from GitShare: it names a drive.', quoted);
    case 'windowsCharacter':
      return l10n.t('Refused the name {0} from GitShare: it contains a character Windows does not allow.', quoted);
    case 'trailingDotOrSpace':
      return l10n.t('Refused the name {0} from GitShare: it ends with a dot or space.', quoted);
    case 'windowsReserved':
      return l10n.t('Refused the name {0} from GitShare: it is a reserved name on Windows.', quoted);
  }
}

/**
 * The local location of `segments` below `root`; throws `invalidInput` naming the
 * offending segment when any would escape. The adapter checks the joined result
 * as well (`below`), as a second line of defence.
 */
export function safeLocalPath(
  files: Pick<LocalFiles, 'platform' | 'below'>,
  root: string,
  segments: readonly string[],
): string {
  for (const segment of segments) {
    const problem = localNameProblem(segment, files.platform);
    if (problem) {
      throw new GitShareError('invalidInput', refusedNameMessage(segment, problem), {
        detail: `unsafe name ${JSON.stringify(segment)} under ${root}`,
        code: 'unsafe_name',
      });
    }
  }
  if (segments.length === 0) {
    throw leavesDestination(root, segments);
  }
  return files.below(root, segments);
}

/** What an adapter's `below` throws when a joined location is not below its root. */
export function leavesDestination(root: string, segments: readonly string[]): GitShareError {
  return new GitShareError(
    'invalidInput',
    l10n.t('Refused a name from GitShare that would leave the destination folder.'),
    {
      detail: `unsafe path ${JSON.stringify(segments)} under ${root}`,
      code: 'unsafe_name',
    },
  );
}
