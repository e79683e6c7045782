import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Request } from 'autocannon';
import { rotating, type Ctx, type ScenarioResult } from '../lib/context.js';
import { load, summarise, type LoadResult } from '../lib/load.js';
import { ROOT } from '../lib/proc.js';
import { PASSWORD, seedSessions, userEmail } from '../lib/seed.js';
import { log, median, round } from '../lib/util.js';

const run = promisify(execFile);

/** GET /users/me with 50 connections vs the raw baseline. */
export async function me(ctx: Ctx): Promise<ScenarioResult> {
  const tokens = await ctx.accessTokens(50);
  const [api, baseline] = await Promise.all([ctx.api(), ctx.baseline()]);
  const requests = (path: string) =>
    rotating(tokens, (t) => ({ method: 'GET', path, headers: { authorization: `Bearer ${t}` } }));
  const peak = api.trackPeak();
  const r = await ctx.compare(
    ctx.spec(api.url, { requests: requests('/api/v1/users/me'), pid: api.pid }),
    ctx.spec(baseline.url, { requests: requests('/users/me'), pid: baseline.pid }),
  );
  const peakRssMiB = peak();
  const pass = r.ratio >= 0.4 && r.p99Ratio <= 2.5 && r.app.errors === 0;
  return {
    scenario: 'me',
    target: 'app/baseline req/s >= 0.4, p99 <= 2.5x baseline, no errors',
    pass,
    headline: `${r.app.reqPerSec} req/s vs baseline ${r.baseline.reqPerSec} → ${r.ratio}; p99 ${r.app.p99} vs ${r.baseline.p99} ms (${r.p99Ratio}x); errors ${r.app.errors}; CPU/req ${r.app.cpuUsPerReq} vs ${r.baseline.cpuUsPerReq} µs; peak RSS ${peakRssMiB} MiB`,
    ...r,
    peakRssMiB,
  };
}

async function ceiling(seconds: number): Promise<{ verifiesPerSec: number; concurrency: number }> {
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'bench', 'lib', 'argon2-ceiling.ts')],
    {
      cwd: ROOT,
      env: { ...process.env, CEILING_SECONDS: String(seconds) },
      timeout: (seconds + 30) * 1000,
    },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1) as string) as {
    verifiesPerSec: number;
    concurrency: number;
  };
}

/** Logins rotate over every seeded user: per-account limits (30 / 15 min) are never reached. */
function loginRequests(users: number, offset: number): Request[] {
  const emails = Array.from({ length: users }, (_, i) => userEmail(((i + offset) % users) + 1));
  return rotating(emails, (email) => ({
    method: 'POST',
    path: '/api/v1/auth/login',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD }),
  }));
}

/** POST /auth/login vs the argon2 ceiling measured in the same run (rounds alternate). */
export async function login(ctx: Ctx): Promise<ScenarioResult> {
  await ctx.users();
  const api = await ctx.api();
  const spec = ctx.spec(api.url, { requests: loginRequests(ctx.cfg.users, 0), pid: api.pid });
  const peak = api.trackPeak();
  if (ctx.cfg.warmup > 0) await load({ ...spec, duration: ctx.cfg.warmup });
  const app: LoadResult[] = [];
  const ceilings: number[] = [];
  let concurrency = 0;
  for (let i = 0; i < ctx.cfg.rounds; i++) {
    const c = await ceiling(ctx.cfg.duration);
    ceilings.push(c.verifiesPerSec);
    concurrency = c.concurrency;
    log(
      `  round ${i + 1} argon2 ceiling ${round(c.verifiesPerSec, 1)} verify/s (${c.concurrency} in parallel)`,
    );
    const r = await load(spec);
    app.push(r);
    log(
      `  round ${i + 1} login    ${r.reqPerSec} req/s p50 ${r.p50} p99 ${r.p99} errors ${r.errors} cpu ${r.cpuUsPerReq} µs/req (event loop ${r.loopCpuUsPerReq})`,
    );
  }
  const peakRssMiB = peak();
  const s = summarise(app);
  const ceilingPerSec = round(median(ceilings), 1);
  const ratio = round(s.reqPerSec / ceilingPerSec, 3);
  return {
    scenario: 'login',
    target: 'login req/s >= 0.8 of the argon2id verify ceiling',
    pass: ratio >= 0.8 && s.errors === 0,
    headline: `${s.reqPerSec} req/s vs argon2 ceiling ${ceilingPerSec}/s → ${ratio}; p50 ${s.p50} p99 ${s.p99} ms; errors ${s.errors}; API CPU per login ${s.cpuUsPerReq} µs (event loop ${s.loopCpuUsPerReq}); peak RSS ${peakRssMiB} MiB`,
    app: s,
    ceiling: {
      verifiesPerSec: ceilingPerSec,
      rounds: ceilings.map((c) => round(c, 1)),
      concurrency,
    },
    ratio,
    peakRssMiB,
  };
}

/** p99 of GET /health/live (fixed 50 req/s) while logins saturate the CPU. */
export async function healthUnderLoginLoad(ctx: Ctx): Promise<ScenarioResult> {
  await ctx.users();
  const api = await ctx.api();
  const duration = Math.max(ctx.cfg.duration * 2, 5);
  const probes: LoadResult[] = [];
  const logins: LoadResult[] = [];
  for (let i = 0; i < ctx.cfg.rounds; i++) {
    const loginLoad = load(
      ctx.spec(api.url, {
        requests: loginRequests(ctx.cfg.users, 3000 + i * 500),
        duration: duration + 2,
      }),
    );
    await new Promise((r) => setTimeout(r, 1000)); // let the login load saturate first
    const probe = await load({
      url: api.url,
      path: '/health/live',
      connections: 2,
      overallRate: 50,
      duration,
    }).finally(
      () => loginLoad.catch(() => undefined), // never leave the login load running on failure
    );
    const l = await loginLoad;
    probes.push(probe);
    logins.push(l);
    log(
      `  round ${i + 1} /health/live p50 ${probe.p50} p99 ${probe.p99} max ${probe.max} ms while login ${l.reqPerSec} req/s`,
    );
  }
  const p = summarise(probes);
  const l = summarise(logins);
  return {
    scenario: 'health-under-login-load',
    target: '/health/live p99 < 50 ms while login saturates the CPU',
    pass: p.p99 < 50 && p.errors === 0,
    headline: `/health/live p99 ${p.p99} ms (p50 ${p.p50}) during ${l.reqPerSec} logins/s; errors ${p.errors}`,
    health: p,
    login: l,
  };
}

/**
 * POST /auth/refresh: 5,000 seeded sessions (one per user: per-account limits stay far away);
 * every response's new refresh token goes back into the pool, so each token is used once.
 */
export async function refresh(ctx: Ctx): Promise<ScenarioResult> {
  const ids = await ctx.users();
  const api = await ctx.api();
  const n = Math.min(5000, Math.floor(ids.length / 2));
  const sessions = await seedSessions(ctx.infra.databaseUrl, ids.slice(ids.length - n));
  const pool = sessions.map((s) => s.refreshToken);
  let lost = 0;
  const requests: Request[] = [
    {
      method: 'POST',
      path: '/api/v1/auth/refresh',
      headers: { 'content-type': 'application/json' },
      setupRequest: (req, context) => {
        const token = pool.shift() ?? 'pool-empty-pool-empty-pool-empty-pool-empty';
        context.token = token;
        return Object.assign(req, { body: JSON.stringify({ refreshToken: token }) });
      },
      onResponse: (status, body) => {
        if (status !== 200) {
          lost++;
          return;
        }
        pool.push((JSON.parse(body) as { refreshToken: string }).refreshToken);
      },
    },
  ];
  const peak = api.trackPeak();
  const s = await ctx.measure(ctx.spec(api.url, { requests }), 'refresh');
  const peakRssMiB = peak();
  return {
    scenario: 'refresh',
    target: 'no errors (no ratio target in the issue)',
    pass: s.errors === 0,
    headline: `${s.reqPerSec} req/s; p50 ${s.p50} p99 ${s.p99} ms; errors ${s.errors} (tokens lost ${lost}); peak RSS ${peakRssMiB} MiB`,
    app: s,
    sessions: n,
    peakRssMiB,
  };
}
