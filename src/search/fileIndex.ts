/**
 * The names and paths of one account's files, for "Go to File…": filled by
 * the walk of indexWalk.ts, kept up to date folder by folder (a new walk
 * replaces each folder's children as it lists them; changes made through the
 * extension are applied at once), searched with fuzzy.ts, and saved as names
 * and paths only — no content, no token.
 */

import type { Entry } from '../api/types';
import { bestMatches, prepareQuery } from './fuzzy';

export interface IndexedItem {
  readonly path: string;
  readonly isFolder: boolean;
  readonly score: number;
}

/** What a saved index looks like (JSON). Folder names end with `/`, which no name contains. */
interface SavedIndex {
  readonly version: 1;
  readonly key: string;
  readonly walkedAt: number | null;
  readonly folders: [string, string[]][];
}

const FORMAT_VERSION = 1;

/** A child's path in the index's form (the walk uses it too). */
export function childPath(folder: string, name: string): string {
  return folder === '/' ? `/${name}` : `${folder}/${name}`;
}

function parentOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

interface Flat {
  readonly paths: string[];
  readonly lower: string[];
  readonly nameStarts: Uint32Array;
  readonly folders: Uint8Array;
}

export class FileIndex {
  /** Folder path → names of its children, folders with a trailing `/`. */
  private readonly folders = new Map<string, string[]>();
  private version = 0;
  private flat: { version: number; data: Flat } | undefined;
  private narrowing: { version: number; raw: string; matched: number[] } | undefined;
  /** When a complete walk last finished (ms since the epoch). */
  walkedAt: number | undefined;

  /** `key` names the account (its URI authority), so a saved index is never read for another. */
  constructor(readonly key: string) {}

  /** Files and folders known. */
  get counts(): { files: number; folders: number } {
    let files = 0;
    let folders = 0;
    for (const children of this.folders.values()) {
      for (const name of children) {
        if (name.endsWith('/')) {
          folders++;
        } else {
          files++;
        }
      }
    }
    return { files, folders };
  }

  /** Folders whose children are known. */
  get listedFolders(): number {
    return this.folders.size;
  }

  /** Replaces a folder's children with a fresh listing; folders that vanished take their contents along. */
  setFolder(path: string, entries: readonly Pick<Entry, 'name' | 'type'>[]): void {
    const names = entries.map((e) => (e.type === 'dir' ? `${e.name}/` : e.name));
    const before = this.folders.get(path);
    if (before) {
      const now = new Set(names);
      for (const name of before) {
        if (name.endsWith('/') && !now.has(name)) {
          this.removeSubtree(childPath(path, name.slice(0, -1)));
        }
      }
    }
    this.folders.set(path, names);
    this.changed();
  }

  /** Adds one file or folder (created through the extension), if its folder is indexed. */
  add(path: string, isFolder: boolean): void {
    const parent = parentOf(path);
    const children = this.folders.get(parent);
    if (!children || path === '/') {
      return;
    }
    const name = path.slice(path.lastIndexOf('/') + 1) + (isFolder ? '/' : '');
    const other = isFolder ? name.slice(0, -1) : `${name}/`;
    if (!children.includes(name)) {
      this.folders.set(parent, [...children.filter((n) => n !== other), name]);
      this.changed();
    }
  }

  /** Removes one file or folder (and what lay below it). */
  remove(path: string): void {
    const parent = parentOf(path);
    const children = this.folders.get(parent);
    const name = path.slice(path.lastIndexOf('/') + 1);
    if (children) {
      const kept = children.filter((n) => n !== name && n !== `${name}/`);
      if (kept.length !== children.length) {
        this.folders.set(parent, kept);
      }
    }
    this.removeSubtree(path);
    this.changed();
  }

  private removeSubtree(path: string): void {
    const children = this.folders.get(path);
    if (!children) {
      return;
    }
    this.folders.delete(path);
    for (const name of children) {
      if (name.endsWith('/')) {
        this.removeSubtree(childPath(path, name.slice(0, -1)));
      }
    }
  }

  private changed(): void {
    this.version++;
  }

  private flatten(): Flat {
    if (this.flat?.version === this.version) {
      return this.flat.data;
    }
    const paths: string[] = [];
    const folderFlags: number[] = [];
    for (const [folder, children] of this.folders) {
      for (const name of children) {
        const isFolder = name.endsWith('/');
        paths.push(childPath(folder, isFolder ? name.slice(0, -1) : name));
        folderFlags.push(isFolder ? 1 : 0);
      }
    }
    const lower = paths.map((p) => p.toLowerCase());
    const nameStarts = new Uint32Array(paths.length);
    for (let i = 0; i < paths.length; i++) {
      nameStarts[i] = paths[i].lastIndexOf('/') + 1;
    }
    const data = { paths, lower, nameStarts, folders: Uint8Array.from(folderFlags) };
    this.flat = { version: this.version, data };
    return data;
  }

  /** The best `limit` matches of `value`, best first. */
  search(value: string, limit = 100): IndexedItem[] {
    const query = prepareQuery(value);
    // An empty query (the picker just opened) prepares the search arrays, so the first keystroke does not wait for them.
    const flat = this.flatten();
    if (query.terms.length === 0) {
      this.narrowing = undefined;
      return [];
    }
    const raw = query.terms.join(' ');
    // Typing on narrows: what did not match "rep" cannot match "repo".
    const previous = this.narrowing;
    const candidates =
      previous && previous.version === this.version && raw.startsWith(previous.raw) ? previous.matched : undefined;
    const matched: number[] = [];
    const best = bestMatches(query, flat.lower, flat.nameStarts, candidates, limit, matched);
    this.narrowing = { version: this.version, raw, matched };
    return best.map(({ index, score }) => ({ path: flat.paths[index], isFolder: flat.folders[index] === 1, score }));
  }

  serialize(): string {
    const saved: SavedIndex = {
      version: FORMAT_VERSION,
      key: this.key,
      walkedAt: this.walkedAt ?? null,
      folders: [...this.folders],
    };
    return JSON.stringify(saved);
  }

  /** A saved index, or undefined when it is unreadable, of another format or another account. */
  static deserialize(text: string, key: string): FileIndex | undefined {
    try {
      const saved = JSON.parse(text) as SavedIndex;
      if (saved?.version !== FORMAT_VERSION || saved.key !== key || !Array.isArray(saved.folders)) {
        return undefined;
      }
      const index = new FileIndex(key);
      for (const [path, names] of saved.folders) {
        if (typeof path === 'string' && Array.isArray(names) && names.every((n) => typeof n === 'string')) {
          index.folders.set(path, names);
        }
      }
      index.walkedAt = typeof saved.walkedAt === 'number' ? saved.walkedAt : undefined;
      index.changed();
      return index;
    } catch {
      return undefined;
    }
  }
}
