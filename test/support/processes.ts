import { ChildProcess, spawn, SpawnOptions } from 'node:child_process';
import { once } from 'node:events';

/** Runs a command to completion, inheriting stdio unless told otherwise; rejects on a non-zero exit. */
export async function run(command: string, args: string[], options: SpawnOptions = {}): Promise<void> {
  const child = spawn(command, args, { stdio: 'inherit', ...options });
  const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
  if (code !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited with ${code ?? signal}`);
  }
}

/**
 * Starts a long-running child in its own process group, so that stopping it
 * also stops everything it started (code-server's extension host would
 * otherwise linger for hours).
 */
export function startGroup(command: string, args: string[], options: SpawnOptions = {}): ChildProcess {
  return spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options, detached: true });
}

/** Stops a process group: SIGTERM, then SIGKILL after a grace period. */
export async function stopGroup(child: ChildProcess, graceMs = 3000): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) {
    killQuietly(child.pid, 'SIGKILL');
    return;
  }
  const exited = once(child, 'exit');
  killQuietly(child.pid, 'SIGTERM');
  const timer = setTimeout(() => killQuietly(child.pid, 'SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
  // Whatever the leader left behind in its group goes too.
  killQuietly(child.pid, 'SIGKILL');
}

function killQuietly(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) {
    return;
  }
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/** Resolves with the first match of `pattern` in the child's output, or rejects when it exits first or after the timeout. */
export function waitForOutput(
  child: ChildProcess,
  pattern: RegExp,
  timeoutMs: number,
  label: string,
): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      const match = seen.match(pattern);
      if (match) {
        cleanup();
        resolve(match);
      }
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`${label} exited (${code}) before it was ready. Output:\n${seen.slice(-4000)}`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`${label} was not ready after ${timeoutMs} ms. Output:\n${seen.slice(-4000)}`));
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', onExit);
  });
}

/**
 * Returns `cleanup` wrapped to run once, and runs it on SIGINT, SIGTERM and SIGHUP too before
 * exiting (130/143/129). Ctrl-C reaches only the terminal's process group: code-server runs in a
 * group of its own (startGroup) and would outlive an interrupted run.
 */
export function cleanupOnSignals(cleanup: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  const once = () => (done ??= cleanup().catch((error) => console.error('Cleaning up failed:', error)));
  const codes: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };
  for (const [signal, code] of Object.entries(codes) as Array<[NodeJS.Signals, number]>) {
    process.once(signal, () => {
      console.error(`\n${signal}: stopping what this run started…`);
      void once().then(() => process.exit(code));
    });
  }
  return once;
}
