import { startApp } from '../lib/app.js';
import type { Ctx, ScenarioResult } from '../lib/context.js';
import { median, round, sleep } from '../lib/util.js';

/**
 * Spawn of `node dist/src/main.js` (api role, production, migrations already applied) until
 * /health/ready answers 200, polled every 10 ms. Median of `rounds` fresh processes.
 */
export async function coldStart(ctx: Ctx): Promise<ScenarioResult> {
  await ctx.api(); // schema in place: what a restart of a deployed instance sees
  const times: number[] = [];
  for (let i = 0; i < Math.max(3, ctx.cfg.rounds); i++) {
    const s = await startApp(ctx.appOpts, 'api', {}, `cold-start-${i + 1}`);
    times.push(round(s.startMs, 0));
    await s.stop();
  }
  const ms = median(times);
  return {
    scenario: 'cold-start',
    target: 'spawn → /health/ready 200 in < 2000 ms',
    pass: ms < 2000,
    headline: `${ms} ms to /health/ready (runs: ${times.join(', ')} ms)`,
    medianMs: ms,
    runsMs: times,
  };
}

/** RSS of a fresh API process: after boot, 100 readiness probes, then 5 s idle. */
export async function idleRss(ctx: Ctx): Promise<ScenarioResult> {
  await ctx.api();
  const s = await startApp(ctx.appOpts, 'api', {}, 'idle-rss');
  try {
    for (let i = 0; i < 100; i++) await (await fetch(`${s.url}/health/ready`)).arrayBuffer();
    await sleep(5000);
    const rss = s.rss();
    const rssMiB = rss?.rssMiB ?? NaN;
    return {
      scenario: 'idle-rss',
      target: 'API RSS when idle < 150 MB',
      pass: rssMiB < 150,
      headline: `${rssMiB} MiB idle (peak since start ${rss?.peakMiB} MiB)`,
      rssMiB,
      peakMiB: rss?.peakMiB,
    };
  } finally {
    await s.stop();
  }
}
