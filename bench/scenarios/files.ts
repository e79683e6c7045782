import { randomBytes } from 'node:crypto';
import type { Request } from 'autocannon';
import sharp from 'sharp';
import { startApp } from '../lib/app.js';
import type { Ctx, ScenarioResult } from '../lib/context.js';
import { withDb } from '../lib/seed.js';
import { log, round, until } from '../lib/util.js';

const AVATARS = 200;
/** Uploads in flight at once in files-avatars: a busy moment of an app's sign-ups. */
const IN_FLIGHT = 20;

/** POST /files (validate, quota under an advisory lock, insert, sign), 50 users. */
export async function filesSign(ctx: Ctx): Promise<ScenarioResult> {
  const tokens = await ctx.accessTokens(50);
  const api = await ctx.api();
  let n = 0;
  const requests: Request[] = [
    {
      method: 'POST',
      path: '/api/v1/files',
      body: JSON.stringify({
        purpose: 'attachment',
        filename: 'report.pdf',
        contentType: 'application/pdf',
        size: 100_000,
      }),
      setupRequest: (req) =>
        Object.assign(req, {
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${tokens[n++ % tokens.length]}`,
          },
        }),
    },
  ];
  const peak = api.trackPeak();
  const s = await ctx.measure(ctx.spec(api.url, { requests, pid: api.pid }), 'files-sign');
  const peakRssMiB = peak();
  return {
    scenario: 'files-sign',
    target: 'no errors',
    pass: s.errors === 0,
    headline: `${s.reqPerSec} req/s; p50 ${s.p50} p99 ${s.p99} ms; errors ${s.errors}; CPU/req ${s.cpuUsPerReq} µs; peak RSS ${peakRssMiB} MiB`,
    app: s,
    peakRssMiB,
  };
}

/** A real ~1 MB PNG (noise does not compress), so complete's magic-number check passes. */
async function megabytePng(): Promise<Buffer> {
  const side = 591; // 591² × 3 ≈ 1.05 MB of pixels
  return sharp(randomBytes(side * side * 3), { raw: { width: side, height: side, channels: 3 } })
    .png({ compressionLevel: 0 })
    .toBuffer();
}

/**
 * 200 users each upload a ~1 MB avatar through the local driver (create, PUT the bytes to the
 * API's signed URL, complete), 20 at a time, on an API process of its own so that its RSS is
 * this scenario's alone (sign-ins happen on the shared API). The local driver streams the body to disk and complete reads only the
 * first bytes: the peak must stay far below 200 MB of bodies.
 */
export async function filesAvatars(ctx: Ctx): Promise<ScenarioResult> {
  await ctx.users();
  // Sign in through the shared API: argon2 verifies would leave their memory in this one's RSS.
  const shared = await ctx.api();
  const tokens: string[] = [];
  for (let i = 1; i <= AVATARS; i++) tokens.push((await ctx.login(shared, i)).accessToken);
  const api = await startApp(ctx.appOpts, 'api', {}, 'api-files');
  ctx.services.push(api);
  const image = await megabytePng();
  const idleMiB = api.rss()?.rssMiB ?? 0;
  const peak = api.trackPeak();
  const t0 = performance.now();
  let next = 0;
  let failures = 0;
  const errors: string[] = [];
  const lane = async () => {
    for (let i = next++; i < AVATARS; i = next++) {
      try {
        await uploadAvatar(api.url, tokens[i]!, image);
      } catch (error) {
        failures++;
        if (errors.length < 3) errors.push(String(error));
      }
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
  const seconds = (performance.now() - t0) / 1000;
  const peakRssMiB = peak();
  if (errors.length) log(`  files-avatars failures: ${errors.join(' | ')}`);
  const megabytes = round((image.length * AVATARS) / 1e6, 1);
  const processing = await processAll(ctx);
  return {
    scenario: 'files-avatars',
    target: 'API peak RSS < 250 MB (238.4 MiB) while uploading 200 × 1 MB; no errors',
    pass: failures === 0 && peakRssMiB * 1.048576 < 250,
    headline: `${AVATARS - failures}/${AVATARS} avatars (${megabytes} MB) uploaded and completed in ${round(seconds, 1)} s (${round(megabytes / seconds, 1)} MB/s, ${IN_FLIGHT} in flight); API RSS ${idleMiB} MiB before, peak ${peakRssMiB} MiB (${round(peakRssMiB * 1.048576, 1)} MB); errors ${failures}; then a worker made their variants in ${processing.seconds} s (worker peak RSS ${processing.peakRssMiB} MiB)`,
    peakRssMiB,
    processing,
    idleRssMiB: idleMiB,
    seconds: round(seconds, 2),
    failures,
  };
}

async function uploadAvatar(base: string, token: string, image: Buffer): Promise<void> {
  const auth = { authorization: `Bearer ${token}` };
  const created = await fetch(`${base}/api/v1/files`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({
      purpose: 'avatar',
      filename: 'me.png',
      contentType: 'image/png',
      size: image.length,
    }),
  });
  const file = (await created.json()) as {
    id: string;
    upload: { url: string; headers: Record<string, string> };
  };
  if (created.status !== 201) throw new Error(`create ${created.status} ${JSON.stringify(file)}`);
  // The signed URL names APP_URL; this API listens elsewhere: keep the path and query.
  const signed = new URL(file.upload.url);
  const put = await fetch(`${base}${signed.pathname}${signed.search}`, {
    method: 'PUT',
    headers: file.upload.headers,
    body: image,
  });
  if (put.status !== 204) throw new Error(`upload ${put.status} ${await put.text()}`);
  const completed = await fetch(`${base}/api/v1/files/${file.id}/complete`, {
    method: 'POST',
    headers: auth,
  });
  const body = (await completed.json()) as { status?: string };
  if (completed.status !== 200 || body.status !== 'processing') {
    throw new Error(`complete ${completed.status} ${JSON.stringify(body)}`);
  }
}

/**
 * Reported, no target: a worker started after the uploads re-encodes the 200 avatars and makes
 * their sizes (sharp, one outbox job each); the time until none is left processing, and its RSS.
 */
async function processAll(ctx: Ctx): Promise<{ seconds: number; peakRssMiB: number }> {
  const worker = await startApp(ctx.appOpts, 'worker', {}, 'worker-files');
  ctx.services.push(worker);
  const peak = worker.trackPeak();
  const t0 = performance.now();
  await until(
    () =>
      withDb(ctx.infra.databaseUrl, async (c) => {
        const { rows } = await c.query<{ n: string }>(
          `SELECT count(*) AS n FROM files WHERE status = 'processing'`,
        );
        return Number(rows[0]?.n) === 0;
      }),
    'avatars processed',
    300_000,
    500,
  );
  return { seconds: round((performance.now() - t0) / 1000, 1), peakRssMiB: peak() };
}
