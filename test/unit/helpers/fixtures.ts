/** Mocha fixtures for the plain-Node suites that run against the local GitShare server. */

import type { RunningServer, ServerOptions } from '../../server/index';
import { startSignedIn, type TestTokenSource } from '../../support/serverSession';

/**
 * Mocha collects a suite's tests before any hook runs, so a fixture cannot hand
 * out at `describe` time the objects its `before` hook makes. It hands out a
 * stand-in instead, which forwards every read, write and call to the object the
 * hook made last; tests use it as that object (`server.url`, `tokens.refreshes`).
 * Touching it outside a test or hook fails with a message naming `what`.
 */
export function standIn<T extends object>(what: string): { readonly value: T; set(target: T | undefined): void } {
  let current: T | undefined;
  const target = (): T => {
    if (current === undefined) {
      throw new Error(`${what} is used outside the tests and hooks of the suite that made it`);
    }
    return current;
  };
  const value = new Proxy({} as T, {
    get: (_, key) => {
      const t = target();
      const v: unknown = Reflect.get(t, key, t);
      return typeof v === 'function' ? v.bind(t) : v;
    },
    set: (_, key, v) => Reflect.set(target(), key, v),
    has: (_, key) => Reflect.has(target(), key),
    getPrototypeOf: () => Reflect.getPrototypeOf(target()),
  });
  return { value, set: (t) => (current = t) };
}

/**
 * A server (with the fault API) and a signed-in demo session for the whole
 * suite; before each test the fault queue is empty and the counters are zero.
 */
export function useSignedInServer(options: ServerOptions = {}): { server: RunningServer; tokens: TestTokenSource } {
  const server = standIn<RunningServer>('the signed-in server');
  const tokens = standIn<TestTokenSource>('the signed-in session');
  let running: RunningServer | undefined;
  before(async () => {
    const started = await startSignedIn(options);
    running = started.server;
    server.set(started.server);
    tokens.set(started.tokens);
  });
  after(async () => {
    await running?.close();
    server.set(undefined);
    tokens.set(undefined);
  });
  beforeEach(() => {
    running!.control!.clearFaults();
    running!.control!.resetStats();
  });
  return { server: server.value, tokens: tokens.value };
}
