/**
 * The bench's side of the shaping proxy (linkProxy.ts): starts it as a child
 * process in front of a server, reads its connection count, and computes the
 * physical limits of the link it models.
 */
import * as path from 'node:path';
import { startChild } from '../common';

export interface LinkProfile {
  /** Round-trip time added by the link, ms. */
  readonly rttMs: number;
  /** The link's rate, Mbit/s (10^6 bits). */
  readonly mbit: number;
}

export const DEFAULT_LINK: LinkProfile = { rttMs: 40, mbit: 200 };

export interface LinkStats {
  /** TCP connections the clients opened through the link. */
  readonly connections: number;
  /** Payload bytes client → server. */
  readonly up: number;
  /** Payload bytes server → client. */
  readonly down: number;
  readonly timing: LinkTiming;
}

/** Where a client's time went, seen at its end of the link since the last reset (linkProxy.ts). */
export interface LinkTiming {
  readonly firstByteMs: number | null;
  readonly lastAnswerMs: number | null;
  readonly requests: number;
  /** From an answer's last byte delivered to the next request on the same connection. */
  readonly turnaroundMs: {
    readonly count: number;
    readonly median: number | null;
    readonly p90: number | null;
    readonly max: number | null;
  };
}

/** The timing in a few words, for the bench's log. */
export function timingText(t: LinkTiming): string {
  const ms = (v: number | null) => (v === null ? '—' : `${Math.round(v)} ms`);
  return (
    `${t.requests} requests, first byte at ${ms(t.firstByteMs)}, last answer at ${ms(t.lastAnswerMs)}; ` +
    `answer → next request on a connection: median ${ms(t.turnaroundMs.median)}, p90 ${ms(t.turnaroundMs.p90)}, max ${ms(t.turnaroundMs.max)}`
  );
}

export interface Link {
  /** The shaped address of the server behind it (same scheme, other host:port). */
  readonly url: string;
  readonly profile: LinkProfile;
  readonly controlUrl: string;
  stats(): Promise<LinkStats>;
  reset(): Promise<void>;
  /** Points the link at its server (when it was started without one). */
  setTarget(target: string): Promise<void>;
  close(): Promise<void>;
}

/** Seconds `bytes` take on the link's wire. */
export function wireSeconds(profile: LinkProfile, bytes: number): number {
  return (bytes * 8) / (profile.mbit * 1e6);
}

export function rttSeconds(profile: LinkProfile): number {
  return profile.rttMs / 1000;
}

/** The limit for n small files at concurrency c over the link: ⌈n ÷ c⌉ round trips + the bytes at the link's rate. */
export function manyLimit(profile: LinkProfile, n: number, c: number, bytes: number): number {
  return Math.ceil(n / c) * rttSeconds(profile) + wireSeconds(profile, bytes);
}

export function linkText(p: LinkProfile): string {
  return `${p.rttMs} ms RTT, ${p.mbit} Mbit/s`;
}

/** `target` may be left for setTarget(); the link's URL then has scheme http. */
export async function startLink(target: string | undefined, profile: LinkProfile, host = '127.0.0.1'): Promise<Link> {
  const { match, close } = await startChild(
    path.join(__dirname, 'linkProxy.js'),
    [
      ...(target ? ['--target', target] : []),
      '--rtt-ms',
      String(profile.rttMs),
      '--mbit',
      String(profile.mbit),
      '--host',
      host,
    ],
    /link listening on (http:\/\/\S+) control (http:\/\/\S+)/,
    'link proxy',
  );
  const controlUrl = match[2];
  return {
    url: match[1],
    profile,
    controlUrl,
    stats: async () => (await (await fetch(`${controlUrl}/stats`)).json()) as LinkStats,
    setTarget: async (url) =>
      void (await fetch(`${controlUrl}/target?url=${encodeURIComponent(url)}`, { method: 'POST' })),
    reset: async () => void (await fetch(`${controlUrl}/reset`, { method: 'POST' })),
    close,
  };
}
