/**
 * Remote path rules from the contract (section 3): absolute, `/`-separated,
 * case-sensitive; no `.`/`..`/empty segments, no NUL or `\`, names at most
 * 255 UTF-8 bytes; each segment percent-encoded in the URL.
 */

import * as l10n from '@vscode/l10n';
import { utf8 } from '../common/bytes';
import { GitShareError } from '../common/errors';

export const ROOT = '/';
const MAX_NAME_BYTES = 255;

/** Why a single name is refused, or undefined when it is acceptable. */
export function nameProblem(name: string): string | undefined {
  if (name.length === 0) {
    return l10n.t('A name cannot be empty.');
  }
  if (name === '.' || name === '..') {
    return l10n.t('"{0}" is not allowed as a name.', name);
  }
  if (name.includes('/') || name.includes('\\')) {
    return l10n.t('A name cannot contain "/" or "\\".');
  }
  if (name.includes('\0')) {
    return l10n.t('A name cannot contain a NUL character.');
  }
  if (utf8(name).byteLength > MAX_NAME_BYTES) {
    return l10n.t('A name can be at most {0} bytes long.', MAX_NAME_BYTES);
  }
  return undefined;
}

export function isValidName(name: string): boolean {
  return nameProblem(name) === undefined;
}

/** Throws `invalidInput` unless `name` is a legal segment. */
export function assertValidName(name: string): string {
  const problem = nameProblem(name);
  if (problem) {
    throw new GitShareError('invalidInput', problem, { detail: `rejected name ${JSON.stringify(name)}` });
  }
  return name;
}

/** The segments of an absolute path; throws `invalidInput` on any illegal segment. */
export function segments(path: string): string[] {
  if (!path.startsWith('/')) {
    throw new GitShareError('invalidInput', l10n.t('A GitShare path must start with "/".'), {
      detail: `rejected path ${JSON.stringify(path)}`,
    });
  }
  if (path === ROOT) {
    return [];
  }
  // A single trailing slash is tolerated for folders ("/a/b/"); anything else empty is not.
  const body = path.endsWith('/') ? path.slice(1, -1) : path.slice(1);
  return body.split('/').map(assertValidName);
}

/** Validates and returns the canonical form (no trailing slash except the root). */
export function normalizePath(path: string): string {
  const parts = segments(path);
  return parts.length ? '/' + parts.join('/') : ROOT;
}

export function isValidPath(path: string): boolean {
  try {
    segments(path);
    return true;
  } catch {
    return false;
  }
}

export function joinPath(parent: string, ...names: string[]): string {
  const parts = segments(parent);
  for (const name of names) {
    parts.push(assertValidName(name));
  }
  return parts.length ? '/' + parts.join('/') : ROOT;
}

export function parentPath(path: string): string {
  const parts = segments(path);
  parts.pop();
  return parts.length ? '/' + parts.join('/') : ROOT;
}

export function baseName(path: string): string {
  const parts = segments(path);
  return parts.length ? parts[parts.length - 1] : '';
}

/** True when `path` is `ancestor` or lies below it. */
export function isEqualOrDescendant(path: string, ancestor: string): boolean {
  const a = normalizePath(ancestor);
  const p = normalizePath(path);
  return p === a || a === ROOT || p.startsWith(a + '/');
}

/** The path as it goes into a URL: each segment percent-encoded, the slashes kept. */
export function encodePath(path: string): string {
  const parts = segments(path);
  return '/' + parts.map(encodeSegment).join('/');
}

/** Like encodeURIComponent, plus the characters it leaves that some servers treat specially. */
function encodeSegment(segment: string): string {
  return encodeURIComponent(segment).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

/** `name (1).ext`, `name (2).ext`, … — the first that is not taken. */
export function keepBothName(name: string, taken: (candidate: string) => boolean): string {
  const dot = name.lastIndexOf('.');
  const hasExt = dot > 0;
  const stem = hasExt ? name.slice(0, dot) : name;
  const ext = hasExt ? name.slice(dot) : '';
  for (let i = 1; ; i++) {
    const candidate = `${stem} (${i})${ext}`;
    if (!taken(candidate)) {
      return candidate;
    }
  }
}
