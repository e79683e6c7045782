import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from '../common/free-port.js';

export interface LocalRedis {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export const REDIS_MISSING_HELP =
  'REDIS_URL is not set and no `redis-server` was found on PATH. Install one ' +
  '(Debian/Ubuntu: `sudo apt-get install redis-server`; macOS: `brew install redis`), or run ' +
  '`docker compose up -d redis` and set REDIS_URL=redis://127.0.0.1:6379.';

interface Options {
  /** A test restarts Redis where the app expects it. */
  port?: number;
  binary?: string;
}

/** A private redis-server from PATH with its data under `dataDir` (AOF on: jobs survive a restart). */
export async function startLocalRedis(dataDir: string, options: Options = {}): Promise<LocalRedis> {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const chosen = options.port ?? (await freePort());
  const child = spawn(
    options.binary ?? 'redis-server',
    [
      '--port',
      String(chosen),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--appendonly',
      'yes',
      '--save',
      '',
      '--maxmemory-policy',
      'noeviction',
    ],
    { stdio: 'ignore' },
  );
  await whenReady(child, chosen);
  return { url: `redis://127.0.0.1:${chosen}`, port: chosen, stop: () => stopChild(child) };
}

async function whenReady(child: ChildProcess, port: number): Promise<void> {
  await new Promise<void>((spawned, failed) => {
    child.once('spawn', spawned);
    child.once('error', (error: NodeJS.ErrnoException) =>
      failed(error.code === 'ENOENT' ? new Error(REDIS_MISSING_HELP) : error),
    );
  });
  const exited = new Promise<never>((_, reject) => {
    child.once('exit', (code) =>
      reject(new Error(`redis-server exited with code ${code} on port ${port}`)),
    );
  });
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (await Promise.race([redisAnswers(`redis://127.0.0.1:${port}`), exited])) return;
    if (Date.now() > deadline) throw new Error(`redis-server did not answer on port ${port}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Whether a Redis answers PING at `url` within `connectTimeoutMs`: one connection, no retries. */
export async function redisAnswers(url: string, connectTimeoutMs = 1500): Promise<boolean> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: connectTimeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    child.once('exit', () => done());
    child.kill('SIGTERM');
  });
}
