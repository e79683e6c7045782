import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis, type RedisOptions } from 'ioredis';
import { freePort } from '../../src/common/free-port.js';

/** A redis-server or redis-sentinel child this test started (never the machine's). */
export class RedisChild {
  readonly log: string[] = [];

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {
    for (const stream of [child.stdout, child.stderr]) {
      stream?.on('data', (chunk: Buffer) => this.log.push(...chunk.toString().split('\n')));
    }
  }

  /**
   * Starts `binary` with a config file of `lines` (port and bind added) in `dir`, and waits
   * until `probe` (default: PING over plain TCP) answers.
   */
  static async start(
    dir: string,
    lines: string[],
    options: { binary?: string; port?: number; probe?: RedisOptions } = {},
  ): Promise<RedisChild> {
    mkdirSync(dir, { recursive: true });
    const port = options.port ?? (await freePort());
    const conf = join(dir, 'redis.conf');
    const listen = options.probe?.tls ? [] : [`port ${port}`];
    writeFileSync(conf, [...listen, 'bind 127.0.0.1', `dir ${dir}`, ...lines, ''].join('\n'));
    const child = spawn(options.binary ?? 'redis-server', [conf], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const redis = new RedisChild(child, port);
    await redis.whenAnswering(options.probe ?? {});
    return redis;
  }

  /** SIGKILL: a crash, nothing flushed. */
  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    await new Promise<void>((done) => {
      this.child.once('exit', () => done());
      this.child.kill('SIGKILL');
    });
  }

  private async whenAnswering(probe: RedisOptions): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) break;
      const client = new Redis({
        host: '127.0.0.1',
        port: this.port,
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
        ...probe,
      });
      client.on('error', () => undefined);
      const ok = await client
        .connect()
        .then(() => client.ping())
        .then((pong) => pong === 'PONG')
        .catch(() => false);
      client.disconnect();
      if (ok) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`redis on ${this.port} did not answer: ${this.log.join('\n')}`);
  }
}
