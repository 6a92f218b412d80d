import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  ALL_EXTRAS,
  DEFAULT_MAX_UPLOAD_BYTES,
  DEFAULT_PORT,
  DEFAULT_UPLOAD_IDLE_TIMEOUT_MS,
  DEFAULT_TOKEN_TTL_SECONDS,
  SEED_ONLY,
  startServer,
  type HandRegisteredClient,
  type ServerAccount,
  type ServerExtras,
} from './index';
import { generateTestCa, readTlsFiles, type TlsMaterial } from './tls';

/**
 * `npm run server -- [--port N] [--host H] [--data DIR] [--token-ttl SECONDS] [--user NAME:PASSWORD]…
 *                    [--max-upload-bytes N] [--upload-idle-timeout SECONDS] [--client ID:SECRET[:CALLBACK_URL]]…
 *                    [--seed-only] [--no-registration] [--no-revocation] [--faults] [--hostile] [--quiet]
 *                    [--cors | --cors-origin ORIGIN…]`
 * Options are documented in README.md.
 */

const USAGE = `Usage: node out/test/server/cli.js [options]
  --port N                 port to listen on (default ${DEFAULT_PORT}; 0 = a free port)
  --host H                 address to bind (default 127.0.0.1)
  --public-url URL         the origin clients use when something sits in between (default the bound address)
  --data DIR               data folder (default .gitshare-data at the repository root)
  --token-ttl SECONDS      access token lifetime (default ${DEFAULT_TOKEN_TTL_SECONDS})
  --user NAME:PASSWORD     an account; repeatable (default demo:demo)
  --max-upload-bytes N     upload limit (default ${DEFAULT_MAX_UPLOAD_BYTES})
  --upload-idle-timeout S  fail an upload whose body stalls this long (default ${DEFAULT_UPLOAD_IDLE_TIMEOUT_MS / 1000}; 0 = never)
  --client ID:SECRET[:CALLBACK_URL]
                           an application registered by hand; repeatable. Without a callback URL
                           the consent page shows the code for the person to copy
  --seed-only              only what GitShare's own page documents: no discovery, registration
                           or revocation (they answer 404)
  --no-registration        no RFC 7591 registration (discovery says so)
  --no-revocation          no RFC 7009 revocation (discovery says so)
  --faults                 enable the test-control API under /__test__/
  --hostile                lie about /hostile as a hostile server would (see README.md, Hostile mode)
  --cors                   answer CORS for any origin, as a GitShare that serves VS Code in the browser
  --cors-origin ORIGIN     answer CORS for this origin only; repeatable
  --quiet                  do not log requests
  --tls                    serve https with a certificate from a throw-away CA made at start; the CA
                           is written to DATA/tls/ca.pem (trust it in the client to connect)
  --tls-cert FILE --tls-key FILE   serve https with this certificate and key (PEM)`;

interface CliOptions {
  port: number;
  host: string;
  publicUrl?: string;
  dataDir: string;
  tokenTtlSeconds: number;
  users: ServerAccount[];
  clients: HandRegisteredClient[];
  extras: ServerExtras;
  maxUploadBytes: number;
  uploadIdleTimeoutMs: number;
  faults: boolean;
  hostile: boolean;
  /** `true`: any origin; a list: these; undefined: no CORS. */
  cors?: true | string[];
  quiet: boolean;
  tls: boolean;
  tlsCert?: string;
  tlsKey?: string;
}

function parseArgs(argv: readonly string[]): CliOptions {
  const options: CliOptions = {
    port: DEFAULT_PORT,
    host: '127.0.0.1',
    // out/test/server/cli.js → the repository root
    dataDir: path.resolve(__dirname, '..', '..', '..', '.gitshare-data'),
    tokenTtlSeconds: DEFAULT_TOKEN_TTL_SECONDS,
    users: [],
    clients: [],
    extras: { ...ALL_EXTRAS },
    maxUploadBytes: DEFAULT_MAX_UPLOAD_BYTES,
    uploadIdleTimeoutMs: DEFAULT_UPLOAD_IDLE_TIMEOUT_MS,
    faults: false,
    hostile: false,
    quiet: false,
    tls: false,
  };
  const integer = (name: string, value: string | undefined, min: number): number => {
    if (value === undefined || !/^\d+$/.test(value) || Number(value) < min || !Number.isSafeInteger(Number(value))) {
      throw new Error(`${name} needs an integer ≥ ${min}.`);
    }
    return Number(value);
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    switch (flag) {
      case '--port':
        options.port = integer(flag, value(), 0);
        break;
      case '--host':
        options.host = value() ?? '';
        break;
      case '--public-url':
        options.publicUrl = value();
        break;
      case '--data':
        options.dataDir = path.resolve(value() ?? '');
        break;
      case '--token-ttl':
        options.tokenTtlSeconds = integer(flag, value(), 1);
        break;
      case '--max-upload-bytes':
        options.maxUploadBytes = integer(flag, value(), 0);
        break;
      case '--upload-idle-timeout':
        options.uploadIdleTimeoutMs = integer(flag, value(), 0) * 1000;
        break;
      case '--faults':
        options.faults = true;
        break;
      case '--hostile':
        options.hostile = true;
        break;
      case '--seed-only':
        options.extras = { ...SEED_ONLY };
        break;
      case '--no-registration':
        options.extras = { ...options.extras, registration: false };
        break;
      case '--no-revocation':
        options.extras = { ...options.extras, revocation: false };
        break;
      case '--client':
        options.clients.push(parseClient(value() ?? ''));
        break;
      case '--cors':
        options.cors = true;
        break;
      case '--cors-origin': {
        const origin = value() ?? '';
        if (!/^https?:\/\/[^/?#]+$/.test(origin)) {
          throw new Error('--cors-origin needs an origin: scheme://host[:port], nothing after.');
        }
        options.cors = options.cors === true ? true : [...(options.cors ?? []), origin];
        break;
      }
      case '--quiet':
        options.quiet = true;
        break;
      case '--tls':
        options.tls = true;
        break;
      case '--tls-cert':
        options.tlsCert = path.resolve(value() ?? '');
        break;
      case '--tls-key':
        options.tlsKey = path.resolve(value() ?? '');
        break;
      case '--user': {
        const spec = value() ?? '';
        const colon = spec.indexOf(':');
        if (colon <= 0 || colon === spec.length - 1) {
          throw new Error('--user needs NAME:PASSWORD.');
        }
        options.users.push({ username: spec.slice(0, colon), password: spec.slice(colon + 1) });
        break;
      }
      case '--help':
      case '-h':
        console.log(USAGE);
        process.exit(0);
        break;
      default:
        throw new Error(`Unknown option ${arg}.`);
    }
  }
  if (
    (options.tlsCert === undefined) !== (options.tlsKey === undefined) ||
    (options.tls && options.tlsCert !== undefined)
  ) {
    throw new Error('Use either --tls, or --tls-cert with --tls-key.');
  }
  if (options.port > 65535) {
    throw new Error('--port must be at most 65535.');
  }
  return options;
}

/** `ID:SECRET` or `ID:SECRET:CALLBACK_URL`; the URL keeps its own colons. */
function parseClient(spec: string): HandRegisteredClient {
  const first = spec.indexOf(':');
  const second = first < 0 ? -1 : spec.indexOf(':', first + 1);
  const clientId = first < 0 ? '' : spec.slice(0, first);
  const clientSecret = first < 0 ? '' : spec.slice(first + 1, second < 0 ? undefined : second);
  const callbackUrl = second < 0 ? undefined : spec.slice(second + 1);
  if (!clientId || !clientSecret || callbackUrl === '') {
    throw new Error('--client needs ID:SECRET or ID:SECRET:CALLBACK_URL.');
  }
  return { clientId, clientSecret, callbackUrl };
}

async function main(): Promise<void> {
  let options: CliOptions;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  let tls: TlsMaterial | undefined;
  if (options.tlsCert !== undefined && options.tlsKey !== undefined) {
    tls = await readTlsFiles(options.tlsCert, options.tlsKey);
  } else if (options.tls) {
    tls = generateTestCa({ hosts: [...new Set([options.host, 'localhost'])] });
    const caFile = path.join(options.dataDir, 'tls', 'ca.pem');
    fs.mkdirSync(path.dirname(caFile), { recursive: true });
    fs.writeFileSync(caFile, tls.ca!);
    // Before the "listening" line: spawnServer reads it from there.
    console.log(`Test CA certificate: ${caFile}`);
  }
  const server = await startServer({
    tls,
    port: options.port,
    host: options.host,
    publicUrl: options.publicUrl,
    dataDir: options.dataDir,
    tokenTtlSeconds: options.tokenTtlSeconds,
    users: options.users,
    clients: options.clients,
    extras: options.extras,
    maxUploadBytes: options.maxUploadBytes,
    uploadIdleTimeoutMs: options.uploadIdleTimeoutMs,
    faults: options.faults,
    hostile: options.hostile,
    cors: options.cors,
    log: options.quiet ? undefined : (line) => console.log(line),
  });
  // The bound address (with --public-url, what that URL reaches through something in between).
  const bound = `${tls ? 'https' : 'http'}://${server.host.includes(':') ? `[${server.host}]` : server.host}:${server.port}`;
  console.log(`GitShare server listening on ${options.publicUrl ? bound : server.url}`);
  for (const account of server.users) {
    console.log(`Account: ${account.username} / ${account.password}`);
  }
  for (const client of options.clients) {
    console.log(
      `Application: ${client.clientId} (${client.callbackUrl ? `callback ${client.callbackUrl}` : 'no callback URL: the code is shown on screen'})`,
    );
  }
  if (options.cors) {
    console.log(`CORS: ${options.cors === true ? 'any origin' : options.cors.join(', ')}`);
  }
  const missing = (Object.keys(options.extras) as (keyof ServerExtras)[]).filter((name) => !options.extras[name]);
  if (missing.length) {
    console.log(`Without: ${missing.join(', ')} (404)`);
  }
  console.log(`Data: ${server.dataDir}${options.faults ? '\nTest-control API enabled under /__test__/' : ''}`);
  if (options.hostile) {
    console.log('Hostile mode: answers about /hostile lie (see test/server/README.md)');
  }
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) {
      return;
    }
    stopping = true;
    if (!options.quiet) {
      console.log(`${signal}: closing`);
    }
    server.close().then(
      () => process.exit(0),
      (err) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
