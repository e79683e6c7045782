import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'coverage/**',
      '.data/**',
      'bench/results/**',
      // Generated from openapi.json by openapi-typescript (npm run openapi); CI checks it is current.
      'clients/typescript/src/generated/**',
      'clients/typescript/dist/**',
      '**/*.mjs',
      'jest.config.js',
      'jest.faults.config.js',
      'jest.cluster.config.js',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': [
        'error',
        { checksVoidReturn: { arguments: false } },
      ],
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-console': 'error',
      eqeqeq: ['error', 'smart'],
      '@typescript-eslint/no-deprecated': 'error',
      // A rethrow keeps the original as `cause` (Bull's retry and the logs must see the real error).
      'preserve-caught-error': 'error',
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: '@nestjs/common',
              importNames: ['forwardRef'],
              message: 'No forwardRef: a cycle means a boundary or an outbox event is missing.',
            },
          ],
          // src/<feature>/<use-case>/dto/ reaches src/common in three steps; four leave src/.
          patterns: [
            {
              group: ['../../../../*'],
              message: 'Too deep a relative import: does this belong in src/common?',
            },
          ],
        },
      ],
    },
  },
  {
    // Short files (docs/architecture.md): split by use case well before this.
    files: ['src/**/*.ts'],
    rules: { 'max-lines': ['error', { max: 400, skipBlankLines: true, skipComments: true }] },
  },
  {
    // Nest injects by the runtime class in constructor signatures: a type-only import would erase it.
    files: ['src/**/*.ts'],
    rules: { '@typescript-eslint/consistent-type-imports': 'off' },
  },
  {
    files: [
      'test/**/*.ts',
      '**/*.spec.ts',
      'bench/**/*.ts',
      'scripts/**/*.ts',
      'clients/typescript/examples/**/*.ts',
    ],
    rules: { 'no-console': 'off' },
  },
  {
    // process.env is read only in src/config (and by entry points of tools and tests).
    files: ['src/**/*.ts'],
    ignores: ['src/config/**', '**/*.spec.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read configuration through src/config.' },
      ],
    },
  },
  prettier,
);
