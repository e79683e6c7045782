import type { Request } from 'autocannon';
import type { Ctx, ScenarioResult } from '../lib/context.js';
import { withDb } from '../lib/seed.js';

/** 200 inbox notifications for one user, spread over the last 200 minutes. */
async function seedInbox(url: string, userId: string, count: number): Promise<void> {
  await withDb(url, (c) =>
    c.query(
      `INSERT INTO notifications (user_id, type, category, idempotency_key, title, body, data, inbox, created_at)
       SELECT $1, 'announcement', 'marketing', 'bench-' || i, 'Announcement ' || i,
              'Body of announcement number ' || i || ', long enough to look like a real message.',
              '{}'::jsonb, true, now() - make_interval(mins => i)
       FROM generate_series(1, $2::int) AS i`,
      [userId, count],
    ),
  );
}

/** GET /notifications (first page of 20) of a user with 200 notifications, vs the baseline. */
export async function notificationsList(ctx: Ctx): Promise<ScenarioResult> {
  const ids = await ctx.users();
  const [token] = await ctx.accessTokens(50); // user 1's
  await seedInbox(ctx.infra.databaseUrl, ids[0], 200);
  const [api, baseline] = await Promise.all([ctx.api(), ctx.baseline()]);
  const headers = { authorization: `Bearer ${token}` };
  const check = await fetch(`${api.url}/api/v1/notifications`, { headers });
  const body = (await check.json()) as { data?: unknown[] };
  if (check.status !== 200 || body.data?.length !== 20) {
    throw new Error(
      `GET /notifications answered ${check.status}: ${JSON.stringify(body).slice(0, 300)}`,
    );
  }
  const peak = api.trackPeak();
  const r = await ctx.compare(
    ctx.spec(api.url, { method: 'GET', path: '/api/v1/notifications', headers, pid: api.pid }),
    ctx.spec(baseline.url, { method: 'GET', path: '/notifications', headers, pid: baseline.pid }),
  );
  const peakRssMiB = peak();
  return {
    scenario: 'notifications-list',
    target: 'no errors; app/baseline reported (no ratio in the issue; me has 0.4)',
    pass: r.app.errors === 0,
    headline: `${r.app.reqPerSec} req/s vs baseline ${r.baseline.reqPerSec} → ${r.ratio}; p99 ${r.app.p99} vs ${r.baseline.p99} ms (${r.p99Ratio}x); errors ${r.app.errors}; peak RSS ${peakRssMiB} MiB`,
    ...r,
    peakRssMiB,
  };
}

/** POST /payments with a unique Idempotency-Key per request (sandbox provider), 50 users. */
export async function paymentsCreate(ctx: Ctx): Promise<ScenarioResult> {
  const tokens = await ctx.accessTokens(50);
  const api = await ctx.api();
  let n = 0;
  const requests: Request[] = [
    {
      method: 'POST',
      path: '/api/v1/payments',
      body: JSON.stringify({ amount: 1999, currency: 'usd', description: 'bench' }),
      setupRequest: (req) =>
        Object.assign(req, {
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${tokens[n % tokens.length]}`,
            'idempotency-key': `bench-${ctx.infra.runId}-${n++}`,
          },
        }),
    },
  ];
  const peak = api.trackPeak();
  const s = await ctx.measure(ctx.spec(api.url, { requests }), 'payments');
  const peakRssMiB = peak();
  return {
    scenario: 'payments-create',
    target: 'no errors (no ratio target in the issue)',
    pass: s.errors === 0,
    headline: `${s.reqPerSec} req/s; p50 ${s.p50} p99 ${s.p99} ms; errors ${s.errors}; peak RSS ${peakRssMiB} MiB`,
    app: s,
    peakRssMiB,
  };
}
