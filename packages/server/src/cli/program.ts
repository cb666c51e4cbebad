/**
 * The `wandb-server` command line:
 *   wandb-server start [--host 127.0.0.1] [--port 8080] [--data-dir DIR] [--crash-after S] [--public-url URL]
 *                      [--max-upload-mib N]
 *   wandb-server create-user NAME [--data-dir DIR]   prints a new key for a new user NAME
 *   wandb-server create-key NAME [--data-dir DIR]    prints another key for the existing user NAME
 * Keys go to stdout once (never through the logger); request logs are JSON lines on stderr.
 */
import { Command, CommanderError } from 'commander';
import { PACKAGE_VERSION } from '@wandb-daemon/protocol';
import { generateApiKey } from '../auth/api-key.js';
import { createUserWithKey, openStore, startServer, type RunningServer } from '../server.js';
import { crashAfterFrom, dataDirFrom, maxUploadBytesFrom, portFrom } from './settings.js';

const ENV_HELP = `
Environment: WANDB_SERVER_DATA_DIR (default ~/.wandb-server), WANDB_SERVER_CRASH_AFTER (seconds, default 300),
WANDB_SERVER_ADMIN_KEY (the admin's key on first start), WANDB_SERVER_PUBLIC_URL, WANDB_SERVER_LOG_LEVEL,
WANDB_SERVER_MAX_UPLOAD_MIB (default 5120).`;

interface StartFlags {
  host: string;
  port: string;
  dataDir?: string;
  crashAfter?: string;
  publicUrl?: string;
  maxUploadMib?: string;
}

function banner(server: RunningServer, dataDir: string, seeded: boolean): string {
  const lines = [`wandb-server listening on ${server.url} (data dir ${dataDir})`];
  if (server.adminKey !== null) {
    lines.push(seeded ? 'Created user "admin" with the key from WANDB_SERVER_ADMIN_KEY.' : 'Created user "admin". Its API key, shown this once and stored only as a hash:', ...(seeded ? [] : [`  ${server.adminKey}`]));
    lines.push(`Log to this server with: WANDB_BASE_URL=${server.url} WANDB_API_KEY=<key>`);
  }
  return `${lines.join('\n')}\n`;
}

async function start(flags: StartFlags): Promise<void> {
  const dataDir = dataDirFrom(flags.dataDir);
  const adminKey = process.env.WANDB_SERVER_ADMIN_KEY || undefined;
  const server = await startServer({
    dataDir,
    host: flags.host,
    port: portFrom(flags.port),
    crashAfterSeconds: crashAfterFrom(flags.crashAfter),
    publicUrl: flags.publicUrl ?? (process.env.WANDB_SERVER_PUBLIC_URL || undefined),
    adminKey,
    maxUploadBytes: maxUploadBytesFrom(flags.maxUploadMib),
    logger: { stream: process.stderr },
  });
  process.stdout.write(banner(server, dataDir, adminKey !== undefined));
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`wandb-server: ${signal}, shutting down\n`);
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`wandb-server: error while closing: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

function createUser(name: string, flags: { dataDir?: string }): void {
  const store = openStore(dataDirFrom(flags.dataDir));
  try {
    process.stdout.write(`${createUserWithKey(store, name).key}\n`);
  } finally {
    store.close();
  }
}

function createKey(name: string, flags: { dataDir?: string }): void {
  const store = openStore(dataDirFrom(flags.dataDir));
  try {
    if (!store.hasUser(name)) throw new Error(`no user named ${name} (create it with: wandb-server create-user ${name})`);
    const key = generateApiKey();
    store.addApiKey(name, key);
    process.stdout.write(`${key}\n`);
  } finally {
    store.close();
  }
}

/** Builds the commander program. */
function buildProgram(): Command {
  const program = new Command('wandb-server')
    .description('A self-hosted server speaking the W&B wire protocol (GraphQL, file_stream, uploads) with a JSON read API.')
    .version(PACKAGE_VERSION, '-V, --version', 'print the version')
    .addHelpText('after', ENV_HELP)
    .exitOverride()
    .showSuggestionAfterError(true);
  program
    .command('start')
    .description('run the server in the foreground')
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--port <port>', 'TCP port', '8080')
    .option('--data-dir <dir>', 'data directory')
    .option('--crash-after <seconds>', 'mark a running run crashed after this long without a heartbeat')
    .option('--public-url <url>', 'base URL clients use to reach this server (for upload URLs)')
    .option('--max-upload-mib <mib>', 'largest file upload accepted, in MiB (default 5120)')
    .action(start);
  program.command('create-user <name>').description('create a user (and its entity) and print a new API key for it').option('--data-dir <dir>', 'data directory').action(createUser);
  program.command('create-key <name>').description('print a new API key for an existing user').option('--data-dir <dir>', 'data directory').action(createKey);
  return program;
}

/** Runs the CLI; resolves with the exit code (a started server keeps the process alive). */
export async function runCli(argv: readonly string[]): Promise<number> {
  try {
    await buildProgram().parseAsync([...argv]);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    process.stderr.write(`wandb-server: ${(error as Error).message}\n`);
    return 1;
  }
}
