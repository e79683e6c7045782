import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../../src/common/free-port.js';

export const ROOT = join(import.meta.dirname, '..', '..');

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Milliseconds from `kill()` (or from start, if never signalled) to the exit. */
  afterSignalMs: number | null;
}

/**
 * The built app (`dist/`) as a child process, the way production runs it: `node dist/src/main.js`
 * with APP_ROLE=api, or `node dist/src/worker.js` (health on WORKER_HEALTH_PORT). Its stdout and
 * stderr go to a log file that a failing test prints.
 */
export class AppProcess {
  readonly exited: Promise<Exit>;
  private signalledAt: number | null = null;
  private exit: Exit | null = null;

  private constructor(
    readonly role: 'api' | 'worker',
    readonly name: string,
    readonly port: number,
    readonly child: ChildProcess,
    readonly logFile: string,
  ) {
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        const afterSignalMs = this.signalledAt === null ? null : Date.now() - this.signalledAt;
        this.exit = { code, signal, afterSignalMs };
        resolve(this.exit);
      });
    });
  }

  static async start(
    role: 'api' | 'worker',
    env: Record<string, string>,
    logDir: string,
    name: string = role,
  ): Promise<AppProcess> {
    const script = join(ROOT, 'dist', 'src', role === 'api' ? 'main.js' : 'worker.js');
    if (!existsSync(script)) throw new Error(`${script} is missing: run \`npm run build\` first`);
    const port = await freePort();
    const logFile = join(logDir, `${name}.log`);
    const fd = openSync(logFile, 'a');
    const child = spawn(process.execPath, [script], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        ...env,
        APP_ROLE: role,
        ...(role === 'api' ? { PORT: String(port) } : { WORKER_HEALTH_PORT: String(port) }),
      },
      stdio: ['ignore', fd, fd],
    });
    closeSync(fd);
    const proc = new AppProcess(role, name, port, child, logFile);
    await proc.waitReady();
    return proc;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get running(): boolean {
    return this.exit === null;
  }

  kill(signal: NodeJS.Signals): void {
    if (!this.running) return;
    this.signalledAt = Date.now();
    this.child.kill(signal);
  }

  /** The exit, or null if it is still running after `timeoutMs`. */
  async waitExit(timeoutMs: number): Promise<Exit | null> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((r) => (timer = setTimeout(() => r(null), timeoutMs)));
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** SIGTERM, then SIGKILL if it is still there after `graceMs`. */
  async stop(graceMs = 15_000): Promise<Exit> {
    if (!this.running) return this.exit as Exit;
    this.kill('SIGTERM');
    const exit = await this.waitExit(graceMs);
    if (exit) return exit;
    this.child.kill('SIGKILL');
    return this.exited;
  }

  log(): string {
    try {
      return readFileSync(this.logFile, 'utf8');
    } catch {
      return '';
    }
  }

  tail(lines = 30): string {
    return this.log().trimEnd().split('\n').slice(-lines).join('\n');
  }

  private async waitReady(timeoutMs = 90_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.exit) break;
      try {
        const res = await fetch(`${this.url}/health/ready`, { signal: AbortSignal.timeout(1000) });
        await res.arrayBuffer();
        if (res.status === 200) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    this.child.kill('SIGKILL');
    throw new Error(`${this.name} never became ready\n--- ${this.name} log ---\n${this.tail()}`);
  }
}
