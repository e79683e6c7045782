import type { Request } from 'autocannon';
import type { Ctx, ScenarioResult } from '../lib/context.js';
import type { Summary } from '../lib/load.js';
import { changeCursor } from '../baseline/sync.js';

/** A 1 KiB document value (its JSON text is exactly 1024 bytes). */
function kibValue(): { text: string } {
  const overhead = JSON.stringify({ text: '' }).length;
  return { text: 'x'.repeat(1024 - overhead) };
}

interface Compared {
  app: Summary;
  baseline: Summary;
  ratio: number;
  p99Ratio: number;
}

function comparedResult(
  scenario: string,
  targetRatio: number,
  r: Compared,
  peakRssMiB: number,
): ScenarioResult {
  const errors = r.app.errors + r.baseline.errors;
  return {
    scenario,
    target: `app/baseline req/s >= ${targetRatio}, no errors`,
    pass: r.ratio >= targetRatio && errors === 0,
    headline: `${r.app.reqPerSec} req/s vs baseline ${r.baseline.reqPerSec} → ${r.ratio}; p99 ${r.app.p99} vs ${r.baseline.p99} ms (${r.p99Ratio}x); errors ${r.app.errors} (baseline ${r.baseline.errors}); CPU/req ${r.app.cpuUsPerReq ?? '?'} vs ${r.baseline.cpuUsPerReq ?? '?'} µs (PostgreSQL ${r.app.dbCpuUsPerReq} vs ${r.baseline.dbCpuUsPerReq}); peak RSS ${peakRssMiB} MiB`,
    ...r,
    peakRssMiB,
  };
}

/**
 * PUT of a 1 KiB document, 50 connections, a new key every request, over 50 users (each user's
 * writes queue on its head lock, as devices of one user would), vs the baseline's same statements.
 */
export async function syncPut(ctx: Ctx): Promise<ScenarioResult> {
  const tokens = await ctx.accessTokens(50);
  const [api, baseline] = await Promise.all([ctx.api(), ctx.baseline()]);
  const body = JSON.stringify({ value: kibValue() });
  let n = 0;
  const requests = (prefix: string): Request[] => [
    {
      method: 'PUT',
      body,
      setupRequest: (req) => {
        const i = n++;
        return Object.assign(req, {
          path: `${prefix}/sync/documents/bench/${ctx.infra.runId}-${i}`,
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${tokens[i % tokens.length]}`,
          },
        });
      },
    },
  ];
  const check = await fetch(`${api.url}/api/v1/sync/documents/bench/check`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[0]}` },
    body,
  });
  if (check.status !== 200 && check.status !== 201) {
    throw new Error(`PUT /sync/documents answered ${check.status}: ${await check.text()}`);
  }
  const peak = api.trackPeak();
  const r = await ctx.compare(
    ctx.spec(api.url, { requests: requests('/api/v1'), pid: api.pid }),
    ctx.spec(baseline.url, { requests: requests(''), pid: baseline.pid }),
  );
  return comparedResult('sync-put', 0.4, r, peak());
}

/** Seeds `count` documents for the user through the API (so the rows are the app's own). */
async function seedDocuments(base: string, token: string, count: number): Promise<void> {
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
  for (let i = 0; i < count; i += 10) {
    await Promise.all(
      Array.from({ length: Math.min(10, count - i) }, async (_, j) => {
        const res = await fetch(`${base}/api/v1/sync/documents/feed/doc-${i + j}`, {
          method: 'PUT',
          headers,
          body: JSON.stringify({ value: { title: `Document ${i + j}`, done: false, n: i + j } }),
        });
        if (res.status !== 200 && res.status !== 201) {
          throw new Error(`seeding a document: ${res.status} ${await res.text()}`);
        }
      }),
    );
  }
}

/**
 * GET /sync/changes?since=&limit=100 answering 100 changes: a device catching up from the middle
 * of its feed (so the 410 check runs too), vs the baseline's same queries.
 */
export async function syncChanges(ctx: Ctx): Promise<ScenarioResult> {
  const tokens = await ctx.accessTokens(50);
  const token = tokens[tokens.length - 1] ?? '';
  const [api, baseline] = await Promise.all([ctx.api(), ctx.baseline()]);
  const headers = { authorization: `Bearer ${token}` };
  await seedDocuments(api.url, token, 200);
  // The 200 new documents hold the feed's last 200 seqs: 150 changes follow this cursor, so the
  // page is full (100) with more to come. Nothing writes for the user during the rounds.
  const since = changeCursor((await headSeq(api.url, headers)) - 150);
  const path = `/sync/changes?since=${since}&limit=100`;
  const check = await fetch(`${api.url}/api/v1${path}`, { headers });
  const page = (await check.json()) as { changes?: unknown[]; hasMore?: boolean };
  if (check.status !== 200 || page.changes?.length !== 100 || page.hasMore !== true) {
    throw new Error(`GET ${path} answered ${check.status}: ${JSON.stringify(page).slice(0, 300)}`);
  }
  const peak = api.trackPeak();
  const r = await ctx.compare(
    ctx.spec(api.url, { method: 'GET', path: `/api/v1${path}`, headers, pid: api.pid }),
    ctx.spec(baseline.url, { method: 'GET', path, headers, pid: baseline.pid }),
  );
  return comparedResult('sync-changes', 0.5, r, peak());
}

/** The seq of the user's last change: the cursor after pulling the whole feed. */
async function headSeq(base: string, headers: Record<string, string>): Promise<number> {
  let cursor: string | null = null;
  for (;;) {
    const since: string = cursor === null ? '' : `&since=${cursor}`;
    const res = await fetch(`${base}/api/v1/sync/changes?limit=100${since}`, { headers });
    const page = (await res.json()) as { cursor: string; hasMore: boolean };
    if (res.status !== 200) throw new Error(`GET /sync/changes answered ${res.status}`);
    cursor = page.cursor;
    if (!page.hasMore) return parseSeq(cursor);
  }
}

function parseSeq(cursor: string): number {
  const match = /^s1:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw new Error(`not a change cursor: ${cursor}`);
  return Number(match[1]);
}
