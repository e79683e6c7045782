import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../../src/common/free-port.js';
import { log, resetPeakRss, rssOf, sleep, until } from './util.js';

export const ROOT = join(import.meta.dirname, '..', '..');

export interface Service {
  name: string;
  pid: number;
  port: number;
  url: string;
  child: ChildProcess;
  logFile: string;
  /** Resets the peak-RSS mark; returns a function that reads the peak since. */
  trackPeak(): () => number;
  rss(): { rssMiB: number; peakMiB: number } | null;
  stop(): Promise<void>;
  tail(lines?: number): string;
}

export interface SpawnOptions {
  name: string;
  /** Node arguments after `node` (script and flags). */
  args: string[];
  env: Record<string, string>;
  logDir: string;
  /** Path polled for a 200 (HTTP services); omitted: no HTTP. */
  readyPath?: string;
  port?: number;
  readyTimeoutMs?: number;
}

/** Starts a Node process with stdout+stderr going to a log file, waits until it answers. */
export async function startService(o: SpawnOptions): Promise<Service & { startMs: number }> {
  const port = o.port ?? (await freePort());
  const logFile = join(o.logDir, `${o.name}.log`);
  const fd = openSync(logFile, 'a');
  const t0 = performance.now();
  const child = spawn(process.execPath, o.args, {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      ...o.env,
      PORT: String(port),
    },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  let exited: number | null | undefined;
  child.once('exit', (code) => (exited = code));
  const url = `http://127.0.0.1:${port}`;
  const tail = (lines = 40) => {
    try {
      return readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  };
  if (o.readyPath) {
    try {
      await until(
        async () => {
          if (exited !== undefined) return 'exited';
          const res = await fetch(url + o.readyPath, { signal: AbortSignal.timeout(1000) });
          await res.arrayBuffer();
          return res.status === 200;
        },
        `${o.name} ${o.readyPath}`,
        o.readyTimeoutMs ?? 30_000,
        10,
      ).then((r) => {
        if (r === 'exited') throw new Error(`${o.name} exited with ${exited}`);
      });
    } catch (error) {
      child.kill('SIGKILL');
      throw new Error(`${String(error)}\n--- ${o.name} log ---\n${tail()}`, { cause: error });
    }
  }
  const startMs = performance.now() - t0;
  const pid = child.pid as number;
  return {
    name: o.name,
    pid,
    port,
    url,
    child,
    logFile,
    startMs,
    tail,
    rss: () => rssOf(pid),
    trackPeak() {
      // Without clear_refs the lifetime peak is the best available (still an upper bound).
      resetPeakRss(pid);
      let sampled = 0;
      const timer = setInterval(() => (sampled = Math.max(sampled, rssOf(pid)?.rssMiB ?? 0)), 100);
      return () => {
        clearInterval(timer);
        return Math.max(sampled, rssOf(pid)?.peakMiB ?? 0);
      };
    },
    async stop() {
      if (exited !== undefined) return;
      child.kill('SIGTERM');
      for (let i = 0; i < 150 && exited === undefined; i++) await sleep(20);
      if (exited === undefined) {
        log(`${o.name} did not exit within 3 s of SIGTERM; killing`);
        child.kill('SIGKILL');
        await sleep(50);
      }
    },
  };
}
