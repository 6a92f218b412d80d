import type { FaultInjector, ServerStats } from './faults';
import type { PathLocks } from './files';
import type { FolderOrders } from './folderOrder';
import type { SessionStore } from './pages';
import type { Store } from './store';

export const SUPPORTED_SCOPES = ['files:read', 'files:write'] as const;
export const CODE_LIFETIME_SECONDS = 10 * 60;
export const REFRESH_TOKEN_LIFETIME_SECONDS = 30 * 24 * 60 * 60;

/**
 * Which of the contract's extras the server offers. GitShare's own page documents none of them
 * (`--seed-only`: all false); each one missing answers 404 and is left out of the discovery document.
 */
export interface ServerExtras {
  /** RFC 8414 `/.well-known/oauth-authorization-server`. */
  readonly discovery: boolean;
  /** RFC 7591 `POST /oauth2/register/` (and its `DELETE`). */
  readonly registration: boolean;
  /** RFC 7009 `POST /oauth2/revoke_token/`. */
  readonly revocation: boolean;
}

export const ALL_EXTRAS: ServerExtras = { discovery: true, registration: true, revocation: true };
export const SEED_ONLY: ServerExtras = { discovery: false, registration: false, revocation: false };

/** What the route modules share. One per running server; nothing module-global. */
export interface ServerContext {
  readonly store: Store;
  readonly sessions: SessionStore;
  readonly faults: FaultInjector | undefined;
  readonly dataDir: string;
  readonly filesRoot: string;
  readonly maxUploadBytes: number;
  /** A request body that sends nothing for this long fails with 408 (0 = never). */
  readonly uploadIdleTimeoutMs: number;
  /** Serializes the commit step of uploads per target path. */
  readonly uploadLocks: PathLocks;
  /** Folders' listing order, kept while they do not change. */
  readonly folderOrders: FolderOrders;
  /** The origin, known once the socket listens; also the OAuth issuer. */
  issuer: string;
  /** Lifetime of access tokens issued from now on. */
  tokenTtlSeconds: number;
  stats: ServerStats;
  /** The contract's extras this server offers; a missing one answers 404. */
  readonly extras: ServerExtras;
  /** Hostile mode (hostile.ts): the lies it tells about `/hostile`. */
  hostile: boolean;
}
