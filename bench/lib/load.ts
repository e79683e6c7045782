import autocannon, { type Request, type Result } from 'autocannon';
import { cpuSecondsByName, cpuSecondsOf, median, round } from './util.js';

export interface LoadSpec {
  url: string;
  connections: number;
  /** Seconds. */
  duration: number;
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  /** For per-request state (tokens, unique keys); overrides method/path/body. */
  requests?: Request[];
  overallRate?: number;
  /** The serving process: its CPU time per request is reported (steadier than req/s when shared). */
  pid?: number;
}

export interface LoadResult {
  reqPerSec: number;
  p50: number;
  p99: number;
  max: number;
  total: number;
  /** Socket errors + timeouts + non-2xx responses. */
  errors: number;
  statusCodes: Record<string, number>;
  /** CPU time (user + system) the serving process spent per request, in µs; with `pid` only. */
  cpuUsPerReq?: number;
  /** The same for its main thread alone (the event loop; not libuv's pool). */
  loopCpuUsPerReq?: number;
  /**
   * CPU time of every `postgres` process per request: on a machine whose cores the app and
   * PostgreSQL share, work moved into the database (a statement planned on every call) costs
   * req/s without showing in the serving process's CPU.
   */
  dbCpuUsPerReq: number;
}

export async function load(spec: LoadSpec): Promise<LoadResult> {
  const cpuBefore = spec.pid ? [cpuSecondsOf(spec.pid), cpuSecondsOf(spec.pid, true)] : null;
  const dbBefore = databaseCpuSeconds();
  const r: Result = await autocannon({
    url: spec.url + (spec.path ?? ''),
    connections: spec.connections,
    duration: spec.duration,
    method: spec.method ?? 'GET',
    timeout: 10,
    // autocannon treats a present-but-undefined option as set: pass only what is given.
    ...(spec.headers ? { headers: spec.headers } : {}),
    ...(spec.body !== undefined ? { body: spec.body } : {}),
    ...(spec.requests ? { requests: spec.requests } : {}),
    ...(spec.overallRate ? { overallRate: spec.overallRate } : {}),
  });
  const statusCodes: Record<string, number> = {};
  for (const [code, s] of Object.entries(r.statusCodeStats ?? {})) statusCodes[code] = s.count;
  return {
    reqPerSec: round(r.requests.total / Math.max(r.duration, 0.001), 1),
    p50: r.latency.p50,
    p99: r.latency.p99,
    max: r.latency.max,
    total: r.requests.total,
    errors: r.errors + r.timeouts + r.non2xx,
    statusCodes,
    dbCpuUsPerReq: perRequestUs(databaseCpuSeconds() - dbBefore, Math.max(r.requests.total, 1)),
    ...(cpuBefore && spec.pid && r.requests.total > 0
      ? {
          cpuUsPerReq: perRequestUs(cpuSecondsOf(spec.pid) - cpuBefore[0], r.requests.total),
          loopCpuUsPerReq: perRequestUs(
            cpuSecondsOf(spec.pid, true) - cpuBefore[1],
            r.requests.total,
          ),
        }
      : {}),
  };
}

const databaseCpuSeconds = (): number => cpuSecondsByName(['postgres']).postgres ?? 0;

function perRequestUs(cpuSeconds: number, requests: number): number {
  return round((cpuSeconds * 1e6) / requests, 0);
}

export interface Summary {
  rounds: LoadResult[];
  reqPerSec: number;
  p50: number;
  p99: number;
  errors: number;
  statusCodes: Record<string, number>;
  cpuUsPerReq?: number;
  loopCpuUsPerReq?: number;
  dbCpuUsPerReq: number;
}

export function summarise(rounds: LoadResult[]): Summary {
  const statusCodes: Record<string, number> = {};
  for (const r of rounds)
    for (const [c, n] of Object.entries(r.statusCodes)) statusCodes[c] = (statusCodes[c] ?? 0) + n;
  return {
    rounds,
    reqPerSec: round(median(rounds.map((r) => r.reqPerSec)), 1),
    p50: median(rounds.map((r) => r.p50)),
    p99: median(rounds.map((r) => r.p99)),
    errors: rounds.reduce((n, r) => n + r.errors, 0),
    statusCodes,
    dbCpuUsPerReq: median(rounds.map((r) => r.dbCpuUsPerReq)),
    ...(rounds.every((r) => r.cpuUsPerReq !== undefined)
      ? {
          cpuUsPerReq: median(rounds.map((r) => r.cpuUsPerReq ?? 0)),
          loopCpuUsPerReq: median(rounds.map((r) => r.loopCpuUsPerReq ?? 0)),
        }
      : {}),
  };
}
