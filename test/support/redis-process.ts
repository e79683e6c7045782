import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { freePort } from '../../src/common/free-port.js';
import { redisAnswers } from '../../src/redis/local-redis.js';

/**
 * A private redis-server (AOF on, as the README asks of production) that a test can kill and
 * start again on the same port and data directory.
 */
export class RedisProcess {
  private child: ChildProcess | null = null;

  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  static async start(dir: string): Promise<RedisProcess> {
    mkdirSync(dir, { recursive: true });
    const redis = new RedisProcess(await freePort(), dir);
    await redis.restart();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== null;
  }

  async restart(): Promise<void> {
    if (this.child) return;
    const child = spawn(
      'redis-server',
      [
        ...['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir],
        ...['--appendonly', 'yes', '--appendfsync', 'always', '--save', ''],
        ...['--maxmemory-policy', 'noeviction'],
      ],
      { stdio: 'ignore' },
    );
    this.child = child;
    child.once('exit', () => {
      if (this.child === child) this.child = null;
    });
    const deadline = Date.now() + 10_000;
    while (!(await redisAnswers(this.url, 500))) {
      if (this.child !== child) throw new Error(`redis-server exited on port ${this.port}`);
      if (Date.now() > deadline) throw new Error(`redis-server did not answer on ${this.port}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** SIGKILL (a crash) or SIGTERM (a clean stop); resolves once the process is gone. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (!child) return;
    await new Promise<void>((done) => {
      child.once('exit', () => done());
      child.kill(signal);
    });
    this.child = null;
  }

  async stop(): Promise<void> {
    await this.kill('SIGTERM');
  }
}
