import * as path from 'node:path';
import { DEFAULT_MAX_UPLOAD_BYTES, DEFAULT_PORT, DEFAULT_UPLOAD_IDLE_TIMEOUT_MS, DEFAULT_TOKEN_TTL_SECONDS, startServer, type ServerAccount } from './index';

/**
 * `npm run server -- [--port N] [--host H] [--data DIR] [--token-ttl SECONDS] [--user NAME:PASSWORD]…
 *                    [--max-upload-bytes N] [--upload-idle-timeout SECONDS] [--faults] [--quiet]`
 * Options are documented in README.md.
 */

const USAGE = `Usage: node out/test/server/cli.js [options]
  --port N                 port to listen on (default ${DEFAULT_PORT}; 0 = a free port)
  --host H                 address to bind (default 127.0.0.1)
  --data DIR               data folder (default .gitshare-data at the repository root)
  --token-ttl SECONDS      access token lifetime (default ${DEFAULT_TOKEN_TTL_SECONDS})
  --user NAME:PASSWORD     an account; repeatable (default demo:demo)
  --max-upload-bytes N     upload limit (default ${DEFAULT_MAX_UPLOAD_BYTES})
  --upload-idle-timeout S  fail an upload whose body stalls this long (default ${DEFAULT_UPLOAD_IDLE_TIMEOUT_MS / 1000}; 0 = never)
  --faults                 enable the test-control API under /__test__/
  --quiet                  do not log requests`;

interface CliOptions {
	port: number;
	host: string;
	dataDir: string;
	tokenTtlSeconds: number;
	users: ServerAccount[];
	maxUploadBytes: number;
	uploadIdleTimeoutMs: number;
	faults: boolean;
	quiet: boolean;
}

function parseArgs(argv: readonly string[]): CliOptions {
	const options: CliOptions = {
		port: DEFAULT_PORT,
		host: '127.0.0.1',
		// out/test/server/cli.js → the repository root
		dataDir: path.resolve(__dirname, '..', '..', '..', '.gitshare-data'),
		tokenTtlSeconds: DEFAULT_TOKEN_TTL_SECONDS,
		users: [],
		maxUploadBytes: DEFAULT_MAX_UPLOAD_BYTES,
		uploadIdleTimeoutMs: DEFAULT_UPLOAD_IDLE_TIMEOUT_MS,
		faults: false,
		quiet: false,
	};
	const integer = (name: string, value: string | undefined, min: number): number => {
		if (value === undefined || !/^\d+$/.test(value) || Number(value) < min || !Number.isSafeInteger(Number(value))) {
			throw new Error(`${name} needs an integer ≥ ${min}.`);
		}
		return Number(value);
	};
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i]!;
		const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
		const value = (): string | undefined => inline ?? argv[++i];
		switch (flag) {
			case '--port': options.port = integer(flag, value(), 0); break;
			case '--host': options.host = value() ?? ''; break;
			case '--data': options.dataDir = path.resolve(value() ?? ''); break;
			case '--token-ttl': options.tokenTtlSeconds = integer(flag, value(), 1); break;
			case '--max-upload-bytes': options.maxUploadBytes = integer(flag, value(), 0); break;
			case '--upload-idle-timeout': options.uploadIdleTimeoutMs = integer(flag, value(), 0) * 1000; break;
			case '--faults': options.faults = true; break;
			case '--quiet': options.quiet = true; break;
			case '--user': {
				const spec = value() ?? '';
				const colon = spec.indexOf(':');
				if (colon <= 0 || colon === spec.length - 1) {
					throw new Error('--user needs NAME:PASSWORD.');
				}
				options.users.push({ username: spec.slice(0, colon), password: spec.slice(colon + 1) });
				break;
			}
			case '--help': case '-h':
				console.log(USAGE);
				process.exit(0);
				break;
			default:
				throw new Error(`Unknown option ${arg}.`);
		}
	}
	if (options.port > 65535) {
		throw new Error('--port must be at most 65535.');
	}
	return options;
}

async function main(): Promise<void> {
	let options: CliOptions;
	try {
		options = parseArgs(process.argv.slice(2));
	} catch (err) {
		console.error(`${(err as Error).message}\n\n${USAGE}`);
		process.exit(2);
	}
	const server = await startServer({
		port: options.port,
		host: options.host,
		dataDir: options.dataDir,
		tokenTtlSeconds: options.tokenTtlSeconds,
		users: options.users,
		maxUploadBytes: options.maxUploadBytes,
		uploadIdleTimeoutMs: options.uploadIdleTimeoutMs,
		faults: options.faults,
		log: options.quiet ? undefined : line => console.log(line),
	});
	console.log(`GitShare server listening on ${server.url}`);
	for (const account of server.users) {
		console.log(`Account: ${account.username} / ${account.password}`);
	}
	console.log(`Data: ${server.dataDir}${options.faults ? '\nTest-control API enabled under /__test__/' : ''}`);
	let stopping = false;
	const stop = (signal: string): void => {
		if (stopping) {
			return;
		}
		stopping = true;
		if (!options.quiet) {
			console.log(`${signal}: closing`);
		}
		server.close().then(() => process.exit(0), err => {
			console.error(err);
			process.exit(1);
		});
	};
	process.on('SIGINT', () => stop('SIGINT'));
	process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch(err => {
	console.error(err instanceof Error ? err.message : err);
	process.exit(1);
});
