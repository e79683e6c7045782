/**
 * The load suite. `npm run bench` builds the app, then runs every scenario; `npm run bench -- me
 * login` runs a subset. See bench/README.md.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configFromEnv, Ctx, type ScenarioResult } from './lib/context.js';
import { removeSnapshot, snapshotDist } from './lib/app.js';
import { setupInfra } from './lib/infra.js';
import { startSmtpSink } from './lib/smtp-sink.js';
import { log, machine } from './lib/util.js';
import { healthUnderLoginLoad, login, me, refresh } from './scenarios/auth.js';
import { notificationsList, paymentsCreate } from './scenarios/features.js';
import { filesAvatars, filesSign } from './scenarios/files.js';
import { coldStart, idleRss } from './scenarios/process.js';
import { broadcast100k, queueDrain } from './scenarios/queues.js';
import { syncChanges, syncPut } from './scenarios/sync.js';

type Scenario = (ctx: Ctx) => Promise<ScenarioResult>;

/** In run order. */
const SCENARIOS: Record<string, Scenario> = {
  'cold-start': coldStart,
  'idle-rss': idleRss,
  me,
  login,
  'health-under-login-load': healthUnderLoginLoad,
  refresh,
  'notifications-list': notificationsList,
  'payments-create': paymentsCreate,
  'files-sign': filesSign,
  'files-avatars': filesAvatars,
  'sync-put': syncPut,
  'sync-changes': syncChanges,
  'queue-drain': queueDrain,
  'broadcast-100k': broadcast100k,
};

/** Hard cap on one run, whatever the settings. */
const RUN_TIMEOUT_MS = 30 * 60_000;

async function main(): Promise<number> {
  const asked = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const unknown = asked.filter((a) => !(a in SCENARIOS));
  if (unknown.length) {
    console.error(
      `unknown scenario(s): ${unknown.join(', ')}\navailable: ${Object.keys(SCENARIOS).join(', ')}`,
    );
    return 2;
  }
  const selected = Object.keys(SCENARIOS).filter(
    (name) => asked.length === 0 || asked.includes(name),
  );
  const cfg = configFromEnv();
  const m = machine();
  log(
    `machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, node ${m.node}, load ${m.loadavgAtStart.join(' ')}`,
  );
  log(`config: ${JSON.stringify(cfg)}; scenarios: ${selected.join(', ')}`);

  const workDir = mkdtempSync(join(tmpdir(), 'bench-run-'));
  const infra = await setupInfra();
  try {
    await snapshotDist(infra.runId);
  } catch (error) {
    await infra.teardown();
    throw error;
  }
  log(`infra: ${infra.describe}`);
  const smtp = await startSmtpSink();
  const ctx = new Ctx(infra, cfg, workDir, smtp.url);
  let failed = false;
  const cleanup = async () => {
    for (const s of ctx.services.reverse()) await s.stop();
    await infra.teardown();
    await smtp.stop();
    removeSnapshot();
    if (!process.env.BENCH_KEEP_LOGS) rmSync(workDir, { recursive: true, force: true });
    else log(`logs kept in ${workDir}/logs`);
  };
  const onSignal = () => {
    log('interrupted: cleaning up');
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const hardStop = setTimeout(() => {
    log(`run exceeded ${RUN_TIMEOUT_MS / 60_000} min: aborting`);
    onSignal();
  }, RUN_TIMEOUT_MS);
  hardStop.unref();

  try {
    for (const name of selected) {
      log(`── ${name}`);
      try {
        ctx.record(await SCENARIOS[name](ctx));
      } catch (error) {
        failed = true;
        log(
          `ERROR ${name}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        );
        ctx.results.push({
          scenario: name,
          headline: `error: ${String(error).split('\n')[0]}`,
          pass: false,
        });
      }
    }
  } finally {
    await cleanup();
  }

  log('── summary');
  for (const r of ctx.results) {
    const mark = r.pass === undefined ? '    ' : r.pass ? 'PASS' : 'MISS';
    console.log(`${mark}  ${r.scenario.padEnd(24)} ${r.headline}`);
  }
  return failed ? 1 : 0;
}

process.exitCode = await main();
