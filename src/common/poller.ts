/**
 * When to look at GitShare again. The server has no change feed, so open
 * editors and the Files view poll; this module decides how often, and runs
 * one round at a time on a timer.
 *
 * - focused window: every `intervalMs`;
 * - unfocused: the delay doubles with each round (interval, 2×, 4×, …) up to
 *   `maxDelayMs`, so a window left in the background costs next to nothing;
 *   focus regained: one round at once, then the plain interval again;
 * - failed rounds (server unreachable): the same doubling, so an outage is
 *   not hammered every few seconds;
 * - `intervalMs` 0: off.
 */

import type { DisposableLike } from './lifecycle';

/** The longest pause between two rounds while backing off. */
const DEFAULT_MAX_DELAY_MS = 5 * 60_000;

/**
 * The shortest pause `gitshare.watch.interval` may ask for. Each round is a request per open file
 * and expanded folder: a smaller value (0.001) would poll the server back to back.
 */
export const MIN_WATCH_INTERVAL_MS = 1_000;

/** `gitshare.watch.interval` (seconds) as the pause between rounds: 0 or not a number is off, under 1 s is 1 s. */
export function watchIntervalMs(seconds: unknown): number {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0) {
    return 0;
  }
  return Math.max(MIN_WATCH_INTERVAL_MS, seconds * 1000);
}

export class PollSchedule {
  private focused = true;
  private unfocusedRounds = 0;
  private failures = 0;

  constructor(
    private intervalMs: number,
    private readonly maxDelayMs: number = DEFAULT_MAX_DELAY_MS,
  ) {}

  get enabled(): boolean {
    return this.intervalMs > 0;
  }

  setInterval(intervalMs: number): void {
    this.intervalMs = Math.max(0, intervalMs);
  }

  /** Returns true when focus came back: the caller should look now. */
  setFocused(focused: boolean): boolean {
    const regained = focused && !this.focused;
    this.focused = focused;
    if (focused) {
      this.unfocusedRounds = 0;
    }
    return regained;
  }

  /** Records the outcome of a round. */
  roundDone(ok: boolean): void {
    this.failures = ok ? 0 : this.failures + 1;
    if (!this.focused) {
      this.unfocusedRounds++;
    }
  }

  /** Milliseconds until the next round; undefined when polling is off. */
  nextDelay(): number | undefined {
    if (!this.enabled) {
      return undefined;
    }
    const steps = Math.max(this.focused ? 0 : this.unfocusedRounds, this.failures);
    // 2^steps, without overflowing for a window left alone for days.
    const factor = 2 ** Math.min(steps, 30);
    return Math.min(this.intervalMs * factor, Math.max(this.maxDelayMs, this.intervalMs));
  }
}

/**
 * Runs `round` on the schedule: never two at once, the next one timed from the
 * end of the last. `now()` runs a round as soon as the current one (if any) ends.
 */
export class Poller implements DisposableLike {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private disposed = false;

  constructor(
    readonly schedule: PollSchedule,
    /** One round; resolves true when it reached the server. */
    private readonly round: () => Promise<boolean>,
  ) {}

  /** (Re)arms the timer from the schedule; call after changing the interval. */
  start(): void {
    this.arm();
  }

  /** A round as soon as possible (focus regained, the view shown). */
  now(): Promise<void> {
    if (this.disposed) {
      return Promise.resolve();
    }
    if (this.running) {
      this.again = true;
      return this.running;
    }
    clearTimeout(this.timer);
    this.timer = undefined;
    this.running = (async () => {
      const ok = await this.round().catch(() => false);
      this.schedule.roundDone(ok);
    })().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        void this.now();
      } else {
        this.arm();
      }
    });
    return this.running;
  }

  setFocused(focused: boolean): void {
    if (this.schedule.setFocused(focused) && this.schedule.enabled) {
      void this.now();
    } else if (!this.running) {
      this.arm();
    }
  }

  private arm(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.disposed || this.running) {
      return;
    }
    const delay = this.schedule.nextDelay();
    if (delay !== undefined) {
      this.timer = setTimeout(() => void this.now(), delay);
    }
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
  }
}
