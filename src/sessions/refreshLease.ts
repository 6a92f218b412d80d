/**
 * The cross-window refresh lease: windows of one VS Code share the stored
 * sessions, and the server ends the whole grant when a rotated refresh token is
 * spent twice, so only the window holding a session's lease may refresh it.
 * A lease is a record in SecretStorage (owner, until); every time here is read
 * from the injected clock.
 */
import { randomUUID } from '../common/bytes';
import type { Logger } from '../common/logger';
import type { StoredSession, TokenStore } from './tokenStore';

export interface RefreshLeaseOptions {
  /** How long a window may hold a lease before others may take it over. */
  readonly leaseMs: number;
  /** How often a running refresh renews its lease. */
  readonly renewMs: number;
  /** How long to wait before checking a lease write won. */
  readonly settleMs: number;
  readonly now: () => number;
}

export class RefreshLeases {
  /** Tells this window's leases from other windows'. */
  private readonly windowId = randomUUID();
  readonly leaseMs: number;
  private readonly renewMs: number;
  private readonly settleMs: number;
  private readonly now: () => number;

  constructor(
    private readonly store: TokenStore,
    private readonly logger: Logger,
    options: RefreshLeaseOptions,
  ) {
    this.leaseMs = options.leaseMs;
    this.renewMs = options.renewMs;
    this.settleMs = options.settleMs;
    this.now = options.now;
  }

  /** Writes this window's lease unless another window holds a live one, then checks it stuck. */
  async acquire(id: string, force = false): Promise<boolean> {
    const current = await this.store.readLease(id);
    if (!force && current && current.owner !== this.windowId && current.until > this.now()) {
      return false;
    }
    await this.store.writeLease(id, { owner: this.windowId, until: this.now() + this.leaseMs });
    if (force) {
      return true;
    }
    // Two windows may write at once; the last write wins and both read it back.
    await delay(this.settleMs);
    return (await this.store.readLease(id))?.owner === this.windowId;
  }

  /** Runs `work` under the lease this window acquired, renewing it meanwhile; releases it after. */
  async hold<T>(id: string, work: () => Promise<T>): Promise<T> {
    // Renewed while the refresh runs: metadata and token request may each take a full timeout.
    const renewal = setInterval(() => {
      this.store.writeLease(id, { owner: this.windowId, until: this.now() + this.leaseMs }).catch(() => undefined);
    }, this.renewMs);
    renewal.unref?.();
    try {
      return await work();
    } finally {
      clearInterval(renewal);
      await this.store.deleteLease(id).catch(() => undefined);
    }
  }

  /** Waits (on storage change events, with a bound) for the window holding the lease to save new tokens. */
  async waitForOtherWindow(stale: StoredSession): Promise<StoredSession | undefined> {
    // The holder renews its lease while it refreshes; its own requests are bounded by their timeouts.
    const deadline = this.now() + 3 * this.leaseMs;
    while (this.now() < deadline) {
      const current = await this.store.readSession(stale.id);
      if (!current) {
        return undefined;
      }
      if (current.refreshToken !== stale.refreshToken || current.accessToken !== stale.accessToken) {
        this.logger.debug(`Session ${stale.id}: another window refreshed it`);
        return current;
      }
      const lease = await this.store.readLease(stale.id);
      if (!lease || lease.until <= this.now()) {
        return undefined;
      }
      await this.nextStoreChange(stale.id, 500);
    }
    return undefined;
  }

  /** Waits (bounded by one lease) until no other window holds the session's lease. */
  async waitForRelease(id: string): Promise<void> {
    const deadline = this.now() + this.leaseMs;
    for (;;) {
      const lease = await this.store.readLease(id);
      if (!lease || lease.owner === this.windowId || lease.until <= this.now() || this.now() > deadline) {
        return;
      }
      await this.nextStoreChange(id, 500);
    }
  }

  private nextStoreChange(id: string, timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      const subscription = this.store.onDidChange((change) => {
        if ((change.kind === 'session' || change.kind === 'lease') && change.id === id) {
          done();
        }
      });
      function done() {
        clearTimeout(timer);
        subscription.dispose();
        resolve();
      }
    });
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
