import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe } from '@jest/globals';
import { Cluster, report, SUMMARY_FILE } from './cluster.js';
import { migrationScenario, requestScenarios } from './requests.scenarios.js';
import { rollingRestartScenario } from './rolling-restart.scenarios.js';
import { workerScenarios } from './workers.scenarios.js';

/**
 * The production shape (two api and two worker processes of the built app, one PostgreSQL, one
 * Redis, a round-robin balancer) booted once: starting four Node processes is most of the cost on
 * a 2-core machine. The rolling restart goes last but one: it replaces the api processes, whose
 * logs (flushed at exit) the migration scenario then reads.
 */
describe('scale-out: two api and two worker instances as one', () => {
  let cluster: Cluster;
  const get = () => cluster;

  beforeAll(async () => {
    rmSync(SUMMARY_FILE, { force: true });
    const started = Date.now();
    cluster = await Cluster.start();
    report('cluster booted', { ms: Date.now() - started });
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  requestScenarios(get);
  workerScenarios(get);
  rollingRestartScenario(get);
  migrationScenario(get);
});
