/**
 * Component-prefixed logging over one sink. In the extension the sink is the
 * "GitShare" LogOutputChannel; in plain-Node tests it is an in-memory array.
 *
 * Secrets never belong in a log line. As a second line of defence, values
 * registered with `redact` are replaced wherever they would appear.
 */

export interface LogSink {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

type Level = keyof LogSink;

const REDACTED = '[redacted]';

class Redactor {
  private readonly secrets = new Set<string>();

  add(secret: string | undefined): void {
    // Very short values would redact ordinary words; tokens are long.
    if (secret && secret.length >= 8) {
      this.secrets.add(secret);
    }
  }

  apply(text: string): string {
    let out = text;
    for (const secret of this.secrets) {
      if (out.includes(secret)) {
        out = out.split(secret).join(REDACTED);
      }
    }
    return out;
  }
}

export class Logger {
  private constructor(
    private readonly sink: LogSink,
    private readonly redactor: Redactor,
    private readonly component: string | undefined,
  ) {}

  static create(sink: LogSink): Logger {
    return new Logger(sink, new Redactor(), undefined);
  }

  /** A logger for one component; it shares the sink and the redactions. */
  child(component: string): Logger {
    return new Logger(this.sink, this.redactor, component);
  }

  /** Never log this value, from any component. */
  redact(secret: string | undefined): void {
    this.redactor.add(secret);
  }

  trace(message: string, ...details: unknown[]): void {
    this.write('trace', message, details);
  }
  debug(message: string, ...details: unknown[]): void {
    this.write('debug', message, details);
  }
  info(message: string, ...details: unknown[]): void {
    this.write('info', message, details);
  }
  warn(message: string, ...details: unknown[]): void {
    this.write('warn', message, details);
  }
  error(message: string, ...details: unknown[]): void {
    this.write('error', message, details);
  }

  private write(level: Level, message: string, details: unknown[]): void {
    const prefix = this.component ? `[${this.component}] ` : '';
    const rest = details.length ? ' ' + details.map(formatDetail).join(' ') : '';
    this.sink[level](this.redactor.apply(prefix + message + rest));
  }
}

function formatDetail(detail: unknown): string {
  if (detail instanceof Error) {
    const extra = (detail as { detail?: unknown }).detail;
    const cause = detail.cause instanceof Error ? ` (cause: ${detail.cause.name}: ${detail.cause.message})` : '';
    return `${detail.name}: ${detail.message}${typeof extra === 'string' ? ` — ${extra}` : ''}${cause}`;
  }
  if (typeof detail === 'string') {
    return detail;
  }
  try {
    return JSON.stringify(detail);
  } catch {
    return String(detail);
  }
}

/** A sink that keeps lines in memory, for tests. */
export class MemoryLogSink implements LogSink {
  readonly lines: string[] = [];
  trace(message: string): void {
    this.lines.push(`trace ${message}`);
  }
  debug(message: string): void {
    this.lines.push(`debug ${message}`);
  }
  info(message: string): void {
    this.lines.push(`info ${message}`);
  }
  warn(message: string): void {
    this.lines.push(`warn ${message}`);
  }
  error(message: string): void {
    this.lines.push(`error ${message}`);
  }
}
