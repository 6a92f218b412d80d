/**
 * Everything secret the extension keeps — sessions with their tokens, the
 * clients it registered, a client secret set by hand — lives here, over an
 * abstract secret storage: `context.secrets` in VS Code, a map in plain-Node
 * tests. Nothing secret goes to settings, globalState or the log.
 *
 * Layout: one key per session (so a window refreshing one account never
 * overwrites another account's rotated token), plus an index of session ids.
 */
import type { User } from '../api/types';
import { SerialQueue } from '../common/async';
import { Emitter, EventLike } from '../common/event';
import { Logger } from '../common/logger';
import type { RegisteredClient } from '../oauth/clientRegistration';
import type { ClientCredentials } from '../oauth/credentials';

/** The part of `vscode.SecretStorage` this store needs. */
export interface SecretStorageLike {
  get(key: string): PromiseLike<string | undefined>;
  store(key: string, value: string): PromiseLike<void>;
  delete(key: string): PromiseLike<void>;
  readonly onDidChange: EventLike<{ readonly key: string }>;
}

export interface StoredSession {
  readonly id: string;
  /** The server's origin. */
  readonly serverUrl: string;
  readonly user: User;
  readonly scopes: readonly string[];
  /** The client the grant was issued to; refresh and revoke must use it. */
  readonly client: ClientCredentials;
  readonly accessToken: string;
  readonly refreshToken?: string;
  /** Absolute, ms since the epoch. */
  readonly expiresAt?: number;
  /** How long the access token was valid when issued, ms; bounds the refresh margin. */
  readonly lifetimeMs?: number;
}

/** An application the person registered by hand on one GitShare server; its secret is stored apart. */
export interface HandClientRecord {
  readonly clientId: string;
  /** The callback URL entered on GitShare; null: none (GitShare shows the code). */
  readonly callbackUrl: string | null;
}

export type TokenStoreChange =
  | { readonly kind: 'sessions' }
  | { readonly kind: 'session'; readonly id: string }
  | { readonly kind: 'clients'; readonly serverUrl: string }
  | { readonly kind: 'lease'; readonly id: string };

/** Tokens whose revocation failed (server unreachable at sign-out); retried later, a bounded number of times. */
export interface PendingRevocation {
  readonly serverUrl: string;
  readonly client: ClientCredentials;
  /** The refresh token first: revoking it ends the whole grant on most servers. */
  readonly tokens: readonly string[];
  /** Attempts made so far. */
  readonly attempts: number;
}

/** Which window refreshes a session right now (see SessionManager). Not secret, but shared like the tokens. */
export interface RefreshLease {
  readonly owner: string;
  /** ms since the epoch */
  readonly until: number;
}

const PREFIX = 'gitshare.auth.';
const INDEX_KEY = `${PREFIX}sessions`;
const SESSION_PREFIX = `${PREFIX}session.`;
const CLIENTS_PREFIX = `${PREFIX}clients.`;
const CLIENT_SECRET_PREFIX = `${PREFIX}clientSecretFor.`;
const LEASE_PREFIX = `${PREFIX}refreshLease.`;
/** Per server: the id and callback URL of an application registered by hand (its secret: CLIENT_SECRET_PREFIX). */
const HAND_CLIENT_PREFIX = `${PREFIX}handClient.`;
const PENDING_REVOCATIONS_KEY = `${PREFIX}pendingRevocations`;

export class TokenStore {
  private readonly _onDidChange = new Emitter<TokenStoreChange>();
  /** Fires when any window (this one included) changed a stored value. */
  readonly onDidChange = this._onDidChange.event;
  private readonly subscription: { dispose(): unknown };
  /** Serialises read-modify-write of the index and client lists within this window. */
  private readonly queue = new SerialQueue();

  constructor(
    private readonly secrets: SecretStorageLike,
    private readonly logger: Logger,
  ) {
    this.subscription = secrets.onDidChange(({ key }) => {
      if (key === INDEX_KEY) {
        this._onDidChange.fire({ kind: 'sessions' });
      } else if (key.startsWith(SESSION_PREFIX)) {
        this._onDidChange.fire({ kind: 'session', id: key.slice(SESSION_PREFIX.length) });
      } else if (key.startsWith(LEASE_PREFIX)) {
        this._onDidChange.fire({ kind: 'lease', id: key.slice(LEASE_PREFIX.length) });
      } else if (key.startsWith(CLIENTS_PREFIX)) {
        this._onDidChange.fire({ kind: 'clients', serverUrl: key.slice(CLIENTS_PREFIX.length) });
      }
    });
  }

  async readSessionIds(): Promise<string[]> {
    const ids = await this.readJson<unknown>(INDEX_KEY);
    return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : [];
  }

  async readSession(id: string): Promise<StoredSession | undefined> {
    const value = await this.readJson<StoredSession>(SESSION_PREFIX + id);
    if (!value || !isStoredSession(value) || value.id !== id) {
      return undefined;
    }
    this.redactSession(value);
    return value;
  }

  async readSessions(): Promise<StoredSession[]> {
    const ids = await this.readSessionIds();
    const sessions = await Promise.all(ids.map((id) => this.readSession(id)));
    return sessions.filter((session): session is StoredSession => session !== undefined);
  }

  /** Writes the session (tokens first), then lists it in the index. */
  async saveSession(session: StoredSession): Promise<void> {
    this.redactSession(session);
    await this.secrets.store(SESSION_PREFIX + session.id, JSON.stringify(session));
    await this.updateIndex((ids) => (ids.includes(session.id) ? ids : [...ids, session.id]));
  }

  /** Unlists the session, then deletes its tokens. */
  async removeSession(id: string): Promise<void> {
    await this.updateIndex((ids) => ids.filter((other) => other !== id));
    await this.secrets.delete(SESSION_PREFIX + id);
  }

  async readClients(serverUrl: string): Promise<RegisteredClient[]> {
    const clients = await this.readJson<unknown>(CLIENTS_PREFIX + serverUrl);
    if (!Array.isArray(clients)) {
      return [];
    }
    const valid = clients.filter(
      (client): client is RegisteredClient =>
        typeof client?.clientId === 'string' && Array.isArray(client.redirectUris),
    );
    for (const client of valid) {
      this.logger.redact(client.clientSecret);
      this.logger.redact(client.registrationAccessToken);
    }
    return valid;
  }

  /** Read-modify-write of one server's registered clients. */
  updateClients(
    serverUrl: string,
    update: (clients: RegisteredClient[]) => RegisteredClient[],
  ): Promise<RegisteredClient[]> {
    return this.queue.run(async () => {
      const next = update(await this.readClients(serverUrl));
      if (next.length) {
        await this.secrets.store(CLIENTS_PREFIX + serverUrl, JSON.stringify(next));
      } else {
        await this.secrets.delete(CLIENTS_PREFIX + serverUrl);
      }
      return next;
    });
  }

  /**
   * The secret of a client configured by hand (`gitshare.clientId`), for this
   * server only: a secret set for one server is never sent to another.
   */
  async readClientSecret(serverUrl: string, clientId: string): Promise<string | undefined> {
    const secret = await this.secrets.get(clientSecretKey(serverUrl, clientId));
    this.logger.redact(secret);
    return secret || undefined;
  }

  async saveClientSecret(serverUrl: string, clientId: string, secret: string | undefined): Promise<void> {
    this.logger.redact(secret);
    if (secret) {
      await this.secrets.store(clientSecretKey(serverUrl, clientId), secret);
    } else {
      await this.secrets.delete(clientSecretKey(serverUrl, clientId));
    }
  }

  async readHandClient(serverUrl: string): Promise<HandClientRecord | undefined> {
    const record = await this.readJson<HandClientRecord>(HAND_CLIENT_PREFIX + serverUrl);
    return record &&
      typeof record.clientId === 'string' &&
      record.clientId &&
      (record.callbackUrl === null || typeof record.callbackUrl === 'string')
      ? { clientId: record.clientId, callbackUrl: record.callbackUrl }
      : undefined;
  }

  /** Saves the application and its secret for this server (the secret in its own key, as for `gitshare.clientId`). */
  async saveHandClient(serverUrl: string, record: HandClientRecord, secret: string | undefined): Promise<void> {
    await this.saveClientSecret(serverUrl, record.clientId, secret);
    await this.secrets.store(
      HAND_CLIENT_PREFIX + serverUrl,
      JSON.stringify({ clientId: record.clientId, callbackUrl: record.callbackUrl }),
    );
  }

  async readPendingRevocations(): Promise<PendingRevocation[]> {
    const list = await this.readJson<unknown>(PENDING_REVOCATIONS_KEY);
    if (!Array.isArray(list)) {
      return [];
    }
    const valid = list.filter(
      (entry): entry is PendingRevocation =>
        typeof entry?.serverUrl === 'string' &&
        typeof entry.client?.clientId === 'string' &&
        Array.isArray(entry.tokens) &&
        entry.tokens.every((token: unknown) => typeof token === 'string') &&
        typeof entry.attempts === 'number',
    );
    for (const entry of valid) {
      entry.tokens.forEach((token) => this.logger.redact(token));
      this.logger.redact(entry.client.clientSecret);
    }
    return valid;
  }

  /** Read-modify-write of the revocations still to do (in SecretStorage: they hold tokens). */
  updatePendingRevocations(update: (list: PendingRevocation[]) => PendingRevocation[]): Promise<PendingRevocation[]> {
    return this.queue.run(async () => {
      const next = update(await this.readPendingRevocations());
      if (next.length) {
        await this.secrets.store(PENDING_REVOCATIONS_KEY, JSON.stringify(next));
      } else {
        await this.secrets.delete(PENDING_REVOCATIONS_KEY);
      }
      return next;
    });
  }

  async readLease(id: string): Promise<RefreshLease | undefined> {
    const lease = await this.readJson<RefreshLease>(LEASE_PREFIX + id);
    return lease && typeof lease.owner === 'string' && typeof lease.until === 'number' ? lease : undefined;
  }

  async writeLease(id: string, lease: RefreshLease): Promise<void> {
    await this.secrets.store(LEASE_PREFIX + id, JSON.stringify(lease));
  }

  async deleteLease(id: string): Promise<void> {
    await this.secrets.delete(LEASE_PREFIX + id);
  }

  dispose(): void {
    this.subscription.dispose();
    this._onDidChange.dispose();
  }

  private updateIndex(update: (ids: string[]) => string[]): Promise<void> {
    return this.queue.run(async () => {
      const ids = await this.readSessionIds();
      const next = update(ids);
      if (next.length !== ids.length || next.some((id, i) => id !== ids[i])) {
        await this.secrets.store(INDEX_KEY, JSON.stringify(next));
      }
    });
  }

  private async readJson<T>(key: string): Promise<T | undefined> {
    const text = await this.secrets.get(key);
    if (text === undefined || text === '') {
      return undefined;
    }
    try {
      return JSON.parse(text) as T;
    } catch {
      this.logger.warn(`Ignored an unreadable stored value (${key.startsWith(SESSION_PREFIX) ? 'a session' : key})`);
      return undefined;
    }
  }

  private redactSession(session: StoredSession): void {
    this.logger.redact(session.accessToken);
    this.logger.redact(session.refreshToken);
    this.logger.redact(session.client.clientSecret);
  }
}

function clientSecretKey(serverUrl: string, clientId: string): string {
  return CLIENT_SECRET_PREFIX + JSON.stringify([serverUrl, clientId]);
}

function isStoredSession(value: StoredSession): boolean {
  return (
    typeof value === 'object' &&
    typeof value.id === 'string' &&
    typeof value.serverUrl === 'string' &&
    typeof value.accessToken === 'string' &&
    typeof value.user?.username === 'string' &&
    typeof value.client?.clientId === 'string' &&
    Array.isArray(value.scopes)
  );
}
