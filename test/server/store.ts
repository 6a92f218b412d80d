import type Database from 'better-sqlite3';
import { createRequire } from 'node:module';
import { createHash, randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import * as path from 'node:path';

/**
 * Persistent state of the local server: accounts, registered clients, authorization codes and
 * tokens, in one SQLite file (`<data>/gitshare.sqlite`), so sign-ins survive a restart.
 *
 * Secrets are never stored: codes, access and refresh tokens, client secrets and registration
 * access tokens are kept as SHA-256 hashes (they are 256-bit random values, so a fast hash is
 * enough); passwords use scrypt with a per-account salt.
 *
 * A "grant" is one authorization: the code and every access/refresh token that descends from it
 * share a `grant_id`, so reuse of a code or of a rotated refresh token can revoke them all.
 */

export interface UserRow {
  readonly id: number;
  readonly username: string;
  readonly name: string;
  readonly email: string;
}

export type TokenEndpointAuthMethod = 'client_secret_post' | 'client_secret_basic' | 'none';

export interface ClientRow {
  readonly clientId: string;
  readonly clientName: string;
  readonly redirectUris: readonly string[];
  readonly grantTypes: readonly string[];
  readonly scope: string;
  readonly authMethod: TokenEndpointAuthMethod;
  readonly issuedAt: number;
}

/** An application registered by hand on GitShare's site, as its page describes. */
export interface HandRegisteredClient {
  readonly clientId: string;
  readonly clientSecret: string;
  /** The callback URL entered at registration; none = the code is shown on screen. */
  readonly callbackUrl?: string;
  /** Default "Hand-registered application". */
  readonly name?: string;
}

export interface CodeRow {
  readonly codeHash: string;
  readonly clientId: string;
  readonly userId: number;
  readonly redirectUri: string | null;
  readonly scope: string;
  readonly challenge: string | null;
  readonly challengeMethod: string | null;
  readonly expiresAt: number;
  readonly used: boolean;
  readonly grantId: string;
}

export interface TokenRow {
  readonly id: number;
  readonly clientId: string;
  readonly userId: number;
  readonly grantId: string;
  readonly scope: string;
  readonly accessExpiresAt: number;
  readonly refreshExpiresAt: number | null;
  readonly accessRevoked: boolean;
  readonly refreshRevoked: boolean;
}

export function hashSecret(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

function hashPassword(password: string, salt: Buffer = randomBytes(16)): string {
  return `scrypt$${salt.toString('hex')}$${scryptSync(password, salt, 32).toString('hex')}`;
}

function passwordMatches(password: string, stored: string): boolean {
  const [kind, saltHex, hashHex] = stored.split('$');
  if (kind !== 'scrypt' || !saltHex || !hashHex) {
    return false;
  }
  const expected = Buffer.from(hashHex, 'hex');
  const actual = scryptSync(password, Buffer.from(saltHex, 'hex'), expected.length);
  return timingSafeEqual(expected, actual);
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS users (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	username TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	email TEXT NOT NULL,
	password_hash TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS clients (
	client_id TEXT PRIMARY KEY,
	secret_hash TEXT,
	registration_token_hash TEXT NOT NULL,
	client_name TEXT NOT NULL,
	redirect_uris TEXT NOT NULL,
	grant_types TEXT NOT NULL,
	scope TEXT NOT NULL,
	auth_method TEXT NOT NULL,
	issued_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS codes (
	code_hash TEXT PRIMARY KEY,
	client_id TEXT NOT NULL,
	user_id INTEGER NOT NULL,
	redirect_uri TEXT,
	scope TEXT NOT NULL,
	challenge TEXT,
	challenge_method TEXT,
	expires_at INTEGER NOT NULL,
	used INTEGER NOT NULL DEFAULT 0,
	grant_id TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS tokens (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	access_hash TEXT NOT NULL UNIQUE,
	refresh_hash TEXT UNIQUE,
	client_id TEXT NOT NULL,
	user_id INTEGER NOT NULL,
	grant_id TEXT NOT NULL,
	scope TEXT NOT NULL,
	access_expires_at INTEGER NOT NULL,
	refresh_expires_at INTEGER,
	access_revoked INTEGER NOT NULL DEFAULT 0,
	refresh_revoked INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS tokens_grant ON tokens(grant_id);
`;

interface RawToken {
  id: number;
  client_id: string;
  user_id: number;
  grant_id: string;
  scope: string;
  access_expires_at: number;
  refresh_expires_at: number | null;
  access_revoked: number;
  refresh_revoked: number;
}

interface RawClient {
  client_id: string;
  secret_hash: string | null;
  registration_token_hash: string;
  client_name: string;
  redirect_uris: string;
  grant_types: string;
  scope: string;
  auth_method: TokenEndpointAuthMethod;
  issued_at: number;
}

function toToken(raw: RawToken): TokenRow {
  return {
    id: raw.id,
    clientId: raw.client_id,
    userId: raw.user_id,
    grantId: raw.grant_id,
    scope: raw.scope,
    accessExpiresAt: raw.access_expires_at,
    refreshExpiresAt: raw.refresh_expires_at,
    accessRevoked: raw.access_revoked !== 0,
    refreshRevoked: raw.refresh_revoked !== 0,
  };
}

function toClient(raw: RawClient): ClientRow {
  return {
    clientId: raw.client_id,
    clientName: raw.client_name,
    redirectUris: JSON.parse(raw.redirect_uris) as string[],
    grantTypes: JSON.parse(raw.grant_types) as string[],
    scope: raw.scope,
    authMethod: raw.auth_method,
    issuedAt: raw.issued_at,
  };
}

export class Store {
  private readonly db: Database.Database;

  constructor(dataDir: string) {
    // Loaded here, not at import time, so modules that merely import this one (index.ts) load on
    // Node versions for which the native addon was not built (see spawn.ts).
    const BetterSqlite3 = createRequire(__filename)('better-sqlite3') as typeof Database;
    this.db = new BetterSqlite3(path.join(dataDir, 'gitshare.sqlite'));
    this.db.pragma('journal_mode = WAL');
    this.db.exec(SCHEMA);
  }

  close(): void {
    this.db.close();
  }

  // --- accounts

  /** Creates the account, or resets its password if it exists. */
  upsertUser(username: string, password: string): UserRow {
    const existing = this.db.prepare('SELECT id FROM users WHERE username = ?').get(username) as
      { id: number } | undefined;
    if (existing) {
      this.db.prepare('UPDATE users SET password_hash = ? WHERE id = ?').run(hashPassword(password), existing.id);
    } else {
      const name = username.charAt(0).toUpperCase() + username.slice(1);
      this.db
        .prepare('INSERT INTO users (username, name, email, password_hash) VALUES (?, ?, ?, ?)')
        .run(username, `${name} User`, `${username}@gitshare.invalid`, hashPassword(password));
    }
    return this.userByName(username)!;
  }

  userByName(username: string): UserRow | undefined {
    return this.db.prepare('SELECT id, username, name, email FROM users WHERE username = ?').get(username) as
      UserRow | undefined;
  }

  userById(id: number): UserRow | undefined {
    return this.db.prepare('SELECT id, username, name, email FROM users WHERE id = ?').get(id) as UserRow | undefined;
  }

  checkPassword(username: string, password: string): UserRow | undefined {
    const row = this.db.prepare('SELECT password_hash FROM users WHERE username = ?').get(username) as
      { password_hash: string } | undefined;
    // Hash anyway when the account is unknown, so timing does not reveal which names exist.
    const ok = passwordMatches(password, row?.password_hash ?? hashPassword('x'));
    return row && ok ? this.userByName(username) : undefined;
  }

  // --- clients

  insertClient(client: ClientRow, secret: string | undefined, registrationToken: string): void {
    this.db
      .prepare(
        `INSERT INTO clients (client_id, secret_hash, registration_token_hash, client_name, redirect_uris, grant_types, scope, auth_method, issued_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        client.clientId,
        secret === undefined ? null : hashSecret(secret),
        hashSecret(registrationToken),
        client.clientName,
        JSON.stringify(client.redirectUris),
        JSON.stringify(client.grantTypes),
        client.scope,
        client.authMethod,
        client.issuedAt,
      );
  }

  /**
   * Adds (or updates) an application registered by hand: a confidential client that sends its
   * secret in the body or with Basic, with one callback URL or none.
   */
  upsertHandRegisteredClient(client: HandRegisteredClient): void {
    const row: ClientRow = {
      clientId: client.clientId,
      clientName: client.name ?? 'Hand-registered application',
      redirectUris: client.callbackUrl === undefined ? [] : [client.callbackUrl],
      grantTypes: ['authorization_code', 'refresh_token'],
      scope: 'files:read files:write',
      authMethod: 'client_secret_post',
      issuedAt: Math.floor(Date.now() / 1000),
    };
    this.db.transaction(() => {
      if (this.client(client.clientId)) {
        this.db
          .prepare('UPDATE clients SET secret_hash = ?, redirect_uris = ?, client_name = ? WHERE client_id = ?')
          .run(hashSecret(client.clientSecret), JSON.stringify(row.redirectUris), row.clientName, client.clientId);
      } else {
        // No registration access token: a hand-registered application is managed on the site, not through RFC 7592.
        this.insertClient(row, client.clientSecret, randomToken(32));
      }
    })();
  }

  client(clientId: string): ClientRow | undefined {
    const raw = this.db.prepare('SELECT * FROM clients WHERE client_id = ?').get(clientId) as RawClient | undefined;
    return raw && toClient(raw);
  }

  /** True when `secret` is the client's secret (constant-time on the hashes). */
  clientSecretMatches(clientId: string, secret: string): boolean {
    const raw = this.db.prepare('SELECT secret_hash FROM clients WHERE client_id = ?').get(clientId) as
      { secret_hash: string | null } | undefined;
    if (!raw?.secret_hash) {
      return false;
    }
    return timingSafeEqual(Buffer.from(raw.secret_hash, 'hex'), Buffer.from(hashSecret(secret), 'hex'));
  }

  registrationTokenMatches(clientId: string, token: string): boolean {
    const raw = this.db.prepare('SELECT registration_token_hash FROM clients WHERE client_id = ?').get(clientId) as
      { registration_token_hash: string } | undefined;
    if (!raw) {
      return false;
    }
    return timingSafeEqual(Buffer.from(raw.registration_token_hash, 'hex'), Buffer.from(hashSecret(token), 'hex'));
  }

  deleteClient(clientId: string): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM tokens WHERE client_id = ?').run(clientId);
      this.db.prepare('DELETE FROM codes WHERE client_id = ?').run(clientId);
      this.db.prepare('DELETE FROM clients WHERE client_id = ?').run(clientId);
    })();
  }

  // --- authorization codes

  insertCode(code: string, row: Omit<CodeRow, 'codeHash' | 'used'>): void {
    this.db
      .prepare(
        `INSERT INTO codes (code_hash, client_id, user_id, redirect_uri, scope, challenge, challenge_method, expires_at, grant_id)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        hashSecret(code),
        row.clientId,
        row.userId,
        row.redirectUri,
        row.scope,
        row.challenge,
        row.challengeMethod,
        row.expiresAt,
        row.grantId,
      );
  }

  code(code: string): CodeRow | undefined {
    const raw = this.db.prepare('SELECT * FROM codes WHERE code_hash = ?').get(hashSecret(code)) as
      | {
          code_hash: string;
          client_id: string;
          user_id: number;
          redirect_uri: string | null;
          scope: string;
          challenge: string | null;
          challenge_method: string | null;
          expires_at: number;
          used: number;
          grant_id: string;
        }
      | undefined;
    return (
      raw && {
        codeHash: raw.code_hash,
        clientId: raw.client_id,
        userId: raw.user_id,
        redirectUri: raw.redirect_uri,
        scope: raw.scope,
        challenge: raw.challenge,
        challengeMethod: raw.challenge_method,
        expiresAt: raw.expires_at,
        used: raw.used !== 0,
        grantId: raw.grant_id,
      }
    );
  }

  /** Marks the code used; false if it already was (so two racing requests cannot both win). */
  useCode(code: string): boolean {
    return (
      this.db.prepare('UPDATE codes SET used = 1 WHERE code_hash = ? AND used = 0').run(hashSecret(code)).changes === 1
    );
  }

  // --- tokens

  insertToken(
    accessToken: string,
    refreshToken: string | undefined,
    row: Omit<TokenRow, 'id' | 'accessRevoked' | 'refreshRevoked'>,
  ): void {
    this.db
      .prepare(
        `INSERT INTO tokens (access_hash, refresh_hash, client_id, user_id, grant_id, scope, access_expires_at, refresh_expires_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        hashSecret(accessToken),
        refreshToken === undefined ? null : hashSecret(refreshToken),
        row.clientId,
        row.userId,
        row.grantId,
        row.scope,
        row.accessExpiresAt,
        row.refreshExpiresAt,
      );
  }

  tokenByAccess(accessToken: string): TokenRow | undefined {
    const raw = this.db.prepare('SELECT * FROM tokens WHERE access_hash = ?').get(hashSecret(accessToken)) as
      RawToken | undefined;
    return raw && toToken(raw);
  }

  tokenByRefresh(refreshToken: string): TokenRow | undefined {
    const raw = this.db.prepare('SELECT * FROM tokens WHERE refresh_hash = ?').get(hashSecret(refreshToken)) as
      RawToken | undefined;
    return raw && toToken(raw);
  }

  /** Rotation: the refresh token stops working; false if it already had (a replay). */
  revokeRefresh(refreshToken: string): boolean {
    return (
      this.db
        .prepare('UPDATE tokens SET refresh_revoked = 1 WHERE refresh_hash = ? AND refresh_revoked = 0')
        .run(hashSecret(refreshToken)).changes === 1
    );
  }

  revokeAccess(tokenId: number): void {
    this.db.prepare('UPDATE tokens SET access_revoked = 1 WHERE id = ?').run(tokenId);
  }

  /** Revokes every access and refresh token of one authorization. */
  revokeGrant(grantId: string): number {
    return this.db.prepare('UPDATE tokens SET access_revoked = 1, refresh_revoked = 1 WHERE grant_id = ?').run(grantId)
      .changes;
  }

  expireAllCodes(now: number): void {
    this.db.prepare('UPDATE codes SET expires_at = ? WHERE expires_at > ?').run(now - 1000, now - 1000);
  }

  expireAllAccessTokens(now: number): void {
    this.db.prepare('UPDATE tokens SET access_expires_at = ? WHERE access_expires_at > ?').run(now - 1000, now - 1000);
  }
}
