/**
 * The shapes the Files API returns (contract section 3), and checks that an
 * answer really has that shape: a server that breaks the contract gets a
 * `protocol` error, not a crash somewhere in the tree.
 */

import { GitShareError } from '../common/errors';
import { unreadableAnswer } from './errorMapping';

export type EntryType = 'file' | 'dir';

export interface Entry {
  readonly name: string;
  /** Absolute, `/`-separated. */
  readonly path: string;
  readonly type: EntryType;
  readonly size: number;
  /** RFC 3339, as sent. */
  readonly modified: string;
  /** Milliseconds since the epoch, parsed from `modified` (0 when unparseable). */
  readonly mtime: number;
  readonly etag: string;
}

export interface FolderPage {
  readonly path: string;
  readonly entries: readonly Entry[];
  readonly nextCursor: string | null;
}

/** The signed-in person (`GET /api/v1/user`), as sessions keep it: the account's label is the username. */
export interface User {
  readonly id: string;
  readonly username: string;
  readonly name?: string;
}

function protocolError(what: string, value: unknown): GitShareError {
  let shown: string;
  try {
    shown = JSON.stringify(value)?.slice(0, 200) ?? String(value);
  } catch {
    shown = String(value);
  }
  return new GitShareError('protocol', unreadableAnswer(), {
    detail: `${what}: ${shown}`,
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function parseEntry(value: unknown): Entry {
  if (
    !isRecord(value) ||
    typeof value.name !== 'string' ||
    typeof value.path !== 'string' ||
    (value.type !== 'file' && value.type !== 'dir')
  ) {
    throw protocolError('not an entry', value);
  }
  const modified = typeof value.modified === 'string' ? value.modified : '';
  const parsed = Date.parse(modified);
  return {
    name: value.name,
    path: value.path,
    type: value.type,
    size: typeof value.size === 'number' && value.size >= 0 ? value.size : 0,
    modified,
    mtime: Number.isFinite(parsed) ? parsed : 0,
    etag: typeof value.etag === 'string' ? value.etag : '',
  };
}

export function parseFolderPage(value: unknown): FolderPage {
  if (!isRecord(value) || !Array.isArray(value.entries)) {
    throw protocolError('not a folder listing', value);
  }
  const next = value.next_cursor;
  if (next !== null && next !== undefined && typeof next !== 'string') {
    throw protocolError('bad next_cursor', next);
  }
  return {
    path: typeof value.path === 'string' ? value.path : '',
    entries: value.entries.map(parseEntry),
    nextCursor: next || null,
  };
}

export function parseUser(value: unknown): User {
  if (
    !isRecord(value) ||
    typeof value.username !== 'string' ||
    !value.username ||
    (typeof value.id !== 'string' && typeof value.id !== 'number')
  ) {
    throw protocolError('not a user', value);
  }
  return {
    id: String(value.id),
    username: value.username,
    name: typeof value.name === 'string' ? value.name : undefined,
  };
}

/** A strong or weak ETag as the header wants it (quoted). */
export function quoteEtag(etag: string): string {
  if (etag.startsWith('"') || etag.startsWith('W/"')) {
    return etag;
  }
  return `"${etag}"`;
}
