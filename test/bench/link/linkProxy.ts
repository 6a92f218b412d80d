/**
 * A shaping TCP proxy: a network link in user space, between a client and the
 * local server, so the bench can say how the extension feels over a real
 * connection rather than loopback. Run as a child process of its own (so its
 * timers do not share an event loop with anything measured):
 *
 *   node out/test/bench/link/linkProxy.js --target http://127.0.0.1:PORT --rtt-ms 40 --mbit 200 [--host 127.0.0.2]
 *     → prints "link listening on http://HOST:PORT control http://127.0.0.1:PORT"
 *
 * The model, per direction (up = client → server, down = server → client), one
 * link shared by every connection:
 * - a chunk leaves when the link is free (a serializer at `mbit`), then arrives
 *   RTT ÷ 2 later;
 * - a new connection's first byte cannot leave before one RTT after accept,
 *   as after a real TCP handshake (SYN, SYN-ACK) — the client's connect() is
 *   local here, so the handshake's round trip is charged to its first data;
 * - a FIN travels like data (after what was queued, RTT ÷ 2 later).
 * Payload bytes only: no header overhead (the limits the bench computes use the
 * same model, so curl and the extension are judged alike).
 *
 * The control endpoint (loopback, unshaped): GET /stats → {connections, up, down,
 * timing} since the last POST /reset. `timing` says where a client's time goes, seen
 * at the client's end of the link: when its first byte came and its last answer
 * was delivered (ms after the reset), how many requests it sent (a burst of bytes
 * after an answer, or a connection's first), and its turnaround: the time from an
 * answer's last byte delivered to the next request on the same connection.
 */
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';

interface Options {
  /** Also settable later (POST /target?url=…), for a server that must know the link's address before it starts. */
  target: URL | undefined;
  readonly rttMs: number;
  readonly bytesPerMs: number;
  readonly host: string;
}

function parse(argv: readonly string[]): Options {
  const value = (flag: string, fallback?: string): string => {
    const i = argv.indexOf(flag);
    const v = i >= 0 ? argv[i + 1] : fallback;
    if (v === undefined) {
      throw new Error(`${flag} is required`);
    }
    return v;
  };
  return {
    target: argv.includes('--target') ? new URL(value('--target')) : undefined,
    rttMs: Number(value('--rtt-ms', '40')),
    bytesPerMs: (Number(value('--mbit', '200')) * 1e6) / 8 / 1000,
    host: value('--host', '127.0.0.1'),
  };
}

/** Bytes queued in one direction of one connection before its source is paused: well above the link's bandwidth-delay product. */
function highWater(options: Options): number {
  return Math.max(4 * 1024 * 1024, 4 * options.bytesPerMs * options.rttMs);
}

class Direction {
  /** When the serializer is free again (ms, performance.now()). */
  freeAt = 0;
  bytes = 0;
  constructor(private readonly bytesPerMs: number) {}
  /** The time the chunk has left the link's sender, given it may not leave before `notBefore`. */
  send(size: number, notBefore: number): number {
    const start = Math.max(performance.now(), this.freeAt, notBefore);
    this.freeAt = start + size / this.bytesPerMs;
    this.bytes += size;
    return this.freeAt;
  }
}

/** Where a client's time goes, seen at its end of the link (see the header). */
class Timing {
  private start = performance.now();
  private firstUp: number | undefined;
  private lastDown: number | undefined;
  private requests = 0;
  private turnarounds: number[] = [];

  reset(): void {
    this.start = performance.now();
    this.firstUp = this.lastDown = undefined;
    this.requests = 0;
    this.turnarounds = [];
  }

  /** Client data on a connection whose last answer was delivered at `answeredAt` (undefined: none yet). */
  sent(state: { answeredAt?: number; requesting: boolean }): void {
    const now = performance.now();
    this.firstUp ??= now;
    if (!state.requesting) {
      this.requests++;
      state.requesting = true;
      if (state.answeredAt !== undefined) {
        this.turnarounds.push(now - state.answeredAt);
      }
    }
  }

  answered(state: { answeredAt?: number; requesting: boolean }): void {
    const now = performance.now();
    this.lastDown = now;
    state.answeredAt = now;
    state.requesting = false;
  }

  summary(): object {
    const sorted = [...this.turnarounds].sort((a, b) => a - b);
    const at = (q: number) =>
      sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : null;
    const since = (t: number | undefined) => (t === undefined ? null : Math.round(t - this.start));
    return {
      firstByteMs: since(this.firstUp),
      lastAnswerMs: since(this.lastDown),
      requests: this.requests,
      turnaroundMs: { count: sorted.length, median: at(0.5), p90: at(0.9), max: sorted.at(-1) ?? null },
    };
  }
}

/** One direction of one connection: chunks in flight, delivered in order at their arrival times. */
class Pipe {
  private readonly queue: { at: number; chunk: Buffer | null }[] = [];
  private queued = 0;
  private timer: NodeJS.Timeout | undefined;
  private lastArrival = 0;
  private paused = false;

  constructor(
    private readonly from: net.Socket,
    private readonly to: net.Socket,
    private readonly link: Direction,
    private readonly oneWayMs: number,
    private readonly readyAt: number,
    private readonly high: number,
    /** Called when the client's bytes arrive (up) or an answer's bytes are delivered to it (down). */
    private readonly onData?: () => void,
    private readonly onDelivered?: () => void,
  ) {
    from.on('data', (chunk: Buffer) => {
      this.onData?.();
      this.push(chunk);
    });
    from.on('end', () => this.push(null));
    to.on('drain', () => this.maybeResume());
  }

  private push(chunk: Buffer | null): void {
    const left = chunk
      ? this.link.send(chunk.length, this.readyAt)
      : Math.max(performance.now(), this.link.freeAt, this.readyAt);
    const at = Math.max(left + this.oneWayMs, this.lastArrival);
    this.lastArrival = at;
    this.queue.push({ at, chunk });
    if (chunk) {
      this.queued += chunk.length;
      if (this.queued > this.high && !this.paused) {
        this.paused = true;
        this.from.pause();
      }
    }
    this.schedule();
  }

  private schedule(): void {
    if (this.timer || !this.queue.length) {
      return;
    }
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.flush();
      },
      Math.max(0, this.queue[0].at - performance.now()),
    );
  }

  private flush(): void {
    const now = performance.now();
    while (this.queue.length && this.queue[0].at <= now + 0.5) {
      const { chunk } = this.queue.shift()!;
      if (chunk === null) {
        if (!this.to.destroyed) {
          this.to.end();
        }
      } else {
        this.queued -= chunk.length;
        if (!this.to.destroyed && !this.to.writableEnded) {
          this.to.write(chunk);
          this.onDelivered?.();
        }
      }
    }
    this.maybeResume();
    this.schedule();
  }

  private maybeResume(): void {
    if (this.paused && this.queued <= this.high / 2 && this.to.writableLength < this.high) {
      this.paused = false;
      this.from.resume();
    }
  }
}

function main(): void {
  const options = parse(process.argv.slice(2));
  const up = new Direction(options.bytesPerMs);
  const down = new Direction(options.bytesPerMs);
  let connections = 0;
  const timing = new Timing();
  const sockets = new Set<net.Socket>();
  const oneWay = options.rttMs / 2;
  const high = highWater(options);

  // Half-open allowed: a client's FIN after its request must not cut off the response still in flight.
  const server = net.createServer({ allowHalfOpen: true }, (client) => {
    connections++;
    const readyAt = performance.now() + options.rttMs;
    client.setNoDelay(true);
    if (!options.target) {
      client.destroy();
      return;
    }
    const upstream = net.connect({
      host: options.target.hostname,
      port: Number(options.target.port),
      noDelay: true,
      allowHalfOpen: true,
    });
    sockets.add(client).add(upstream);
    const state = { answeredAt: undefined as number | undefined, requesting: false };
    new Pipe(client, upstream, up, oneWay, readyAt, high, () => timing.sent(state));
    new Pipe(upstream, client, down, oneWay, readyAt, high, undefined, () => timing.answered(state));
    // An orderly close travels as a FIN through the pipes; a reset reaches the other end one way later.
    const forget = (socket: net.Socket) => sockets.delete(socket);
    const reset = () =>
      setTimeout(() => {
        client.destroy();
        upstream.destroy();
      }, oneWay);
    client.on('error', reset).on('close', () => forget(client));
    upstream.on('error', reset).on('close', () => forget(upstream));
  });

  const control = http.createServer((req, res) => {
    if (req.url === '/stats') {
      res
        .writeHead(200, { 'Content-Type': 'application/json', Connection: 'close' })
        .end(JSON.stringify({ connections, up: up.bytes, down: down.bytes, timing: timing.summary() }));
    } else if (req.url?.startsWith('/target?') && req.method === 'POST') {
      options.target = new URL(new URL(req.url, 'http://x').searchParams.get('url')!);
      res.writeHead(204, { Connection: 'close' }).end();
    } else if (req.url === '/reset' && req.method === 'POST') {
      connections = 0;
      timing.reset();
      up.bytes = 0;
      down.bytes = 0;
      res.writeHead(204, { Connection: 'close' }).end();
    } else {
      res.writeHead(404).end();
    }
  });

  server.listen(0, options.host, () => {
    control.listen(0, '127.0.0.1', () => {
      const port = (server.address() as AddressInfo).port;
      const controlPort = (control.address() as AddressInfo).port;
      console.log(`link listening on http://${options.host}:${port} control http://127.0.0.1:${controlPort}`);
    });
  });
  process.on('SIGTERM', () => {
    server.close();
    control.close();
    for (const s of sockets) {
      s.destroy();
    }
    process.exit(0);
  });
}

main();
