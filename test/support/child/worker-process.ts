import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { waitFor } from '../wait.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const REGISTER = fileURLToPath(new URL('./register.mjs', import.meta.url));

export type LogLine = Record<string, unknown> & { msg?: string; level?: number };

/** The real worker entry point (src/worker.ts) in a child process: SIGKILL and SIGTERM it. */
export interface WorkerProcess {
  child: ChildProcess;
  lines: LogLine[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  waitForLog(
    predicate: (line: LogLine) => boolean,
    what: string,
    timeoutMs?: number,
  ): Promise<LogLine>;
  kill(signal: NodeJS.Signals): void;
}

/**
 * Starts a worker on the test run's database and Redis (unless `env` says otherwise) and waits
 * for its "worker started" line. Its JSON log lines are kept in `lines`.
 */
export async function startWorkerProcess(env: Record<string, string>): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ['--import', REGISTER, 'src/worker.ts'], {
    cwd: ROOT,
    env: { ...process.env, APP_ROLE: 'worker', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: LogLine[] = [];
  let buffered = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    for (const part of parts) {
      try {
        lines.push(JSON.parse(part) as LogLine);
      } catch {
        lines.push({ msg: part });
      }
    }
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const worker: WorkerProcess = {
    child,
    lines,
    exited,
    waitForLog: (predicate, what, timeoutMs = 20_000) =>
      waitFor(
        () => {
          if (child.exitCode !== null) throw new Error(`worker exited: ${stderr.slice(-2000)}`);
          return lines.find(predicate);
        },
        { what, timeoutMs },
      ),
    kill: (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
  };
  await worker.waitForLog((l) => l.msg === 'worker started', 'worker started', 60_000);
  return worker;
}
