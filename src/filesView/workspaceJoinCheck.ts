/**
 * What a window that starts after "Add Folder to Workspace…" does about the folders it must show
 * (see workspaceJoin.ts): nothing, forget the remembered add, add the missing folders back once,
 * or tell the person.
 */

/** A folder the reloaded window must show: its URI as a string, and its name in the workspace. */
export interface JoinFolder {
  readonly uri: string;
  readonly name?: string;
}

/** What is remembered across the reload. */
export interface PendingJoin {
  readonly folders: readonly JoinFolder[];
  /** When the add was asked for (ms since the epoch). */
  readonly since: number;
  /** Set once the folders were added back in a window that came back without them. */
  readonly repaired?: boolean;
}

/** How long a remembered add waits for its window: the reload took up to ~20 s on a loaded machine. */
export const PENDING_JOIN_LIFETIME_MS = 5 * 60_000;

export type JoinCheck =
  | { readonly kind: 'none' }
  | { readonly kind: 'forget' }
  | { readonly kind: 'addBack'; readonly missing: readonly JoinFolder[] }
  | { readonly kind: 'tell' };

/**
 * What a starting window does about a remembered add. `untitledWorkspace`: the window is an
 * untitled workspace (the kind the add makes); `folders`: the URIs of its folders.
 */
export function checkJoin(
  pending: PendingJoin | undefined,
  now: number,
  window: { readonly untitledWorkspace: boolean; readonly folders: readonly string[] },
): JoinCheck {
  if (!pending) {
    return { kind: 'none' };
  }
  if (!(now - pending.since >= 0 && now - pending.since <= PENDING_JOIN_LIFETIME_MS)) {
    return { kind: 'forget' };
  }
  if (!window.untitledWorkspace) {
    return { kind: 'none' }; // another window (a tab on a folder): the one the add made checks
  }
  const present = new Set(window.folders);
  const missing = pending.folders.filter((folder) => !present.has(folder.uri));
  if (!missing.length) {
    return { kind: 'forget' };
  }
  return pending.repaired ? { kind: 'tell' } : { kind: 'addBack', missing };
}
