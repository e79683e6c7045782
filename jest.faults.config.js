// The fault-injection suite (npm run test:faults): each scenario boots its own PostgreSQL, Redis,
// api and worker processes of the built app (dist/), so it runs alone, one file at a time, and
// never as part of `npm test`.
import base from './jest.config.js';

const e2e = base.projects.find((p) => p.displayName === 'e2e');

export default {
  // A scenario boots two Node processes; on a loaded 2-core machine that alone can take 40 s.
  testTimeout: 120_000,
  maxWorkers: 1,
  projects: [
    {
      extensionsToTreatAsEsm: e2e.extensionsToTreatAsEsm,
      moduleNameMapper: e2e.moduleNameMapper,
      transform: e2e.transform,
      testEnvironment: 'node',
      displayName: 'faults',
      rootDir: '.',
      testMatch: ['<rootDir>/test/faults/**/*.fault-spec.ts'],
    },
  ],
};
