// The multi-process suite (npm run test:cluster): two api and two worker processes of the built
// app (dist/) on one private PostgreSQL and Redis, behind a round-robin balancer in the test. It
// boots its own world, so it runs alone and never as part of `npm test`.
import base from './jest.config.js';

const e2e = base.projects.find((p) => p.displayName === 'e2e');

export default {
  // Booting four Node processes on a loaded 2-core machine can take a minute; the exactly-once
  // scenario waits for thousands of mails.
  testTimeout: 240_000,
  maxWorkers: 1,
  projects: [
    {
      extensionsToTreatAsEsm: e2e.extensionsToTreatAsEsm,
      moduleNameMapper: e2e.moduleNameMapper,
      transform: e2e.transform,
      testEnvironment: 'node',
      displayName: 'cluster',
      rootDir: '.',
      testMatch: ['<rootDir>/test/cluster/**/*.cluster-spec.ts'],
    },
  ],
};
