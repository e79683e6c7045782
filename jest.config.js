// ESM jest (see stack-facts §6): NestJS 12 is ESM-only, so tests run as ES modules through SWC.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'es6' },
  },
];
const common = {
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': swc },
  testEnvironment: 'node',
};

export default {
  // Read only at the top level (jest ignores it inside a project): e2e hooks boot and close apps.
  testTimeout: 30000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      rootDir: '.',
      testMatch: [
        '<rootDir>/src/**/*.spec.ts',
        '<rootDir>/bench/**/*.spec.ts',
        '<rootDir>/clients/typescript/test/**/*.spec.ts',
        // The admin console's page logic (pure TypeScript; the pages are tested in Chromium).
        '<rootDir>/admin/src/**/*.spec.ts',
      ],
    },
    {
      ...common,
      displayName: 'e2e',
      rootDir: '.',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/setup/global-setup.mjs',
      globalTeardown: '<rootDir>/test/setup/global-teardown.mjs',
      setupFiles: ['<rootDir>/test/setup/env.mjs'],
      // Every response a test receives is checked against openapi.json (test/support/contract).
      setupFilesAfterEnv: ['<rootDir>/test/support/contract/setup.ts'],
    },
  ],
};
