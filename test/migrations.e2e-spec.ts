import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from '@jest/globals';

const run = promisify(execFile);

describe('migrations', () => {
  it('match the entities: generating a migration finds nothing to do', async () => {
    // The real TypeORM CLI on ormconfig.ts, against this run's migrated database.
    const result = await run(
      'node_modules/.bin/typeorm-ts-node-esm',
      ['migration:generate', 'src/database/migrations/Drift', '--check', '-d', 'ormconfig.ts'],
      { env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true' }, timeout: 60_000 },
    ).catch((error: { stdout: string; stderr: string; code: number }) => error);
    expect(result.stdout + result.stderr).toContain('No changes in database schema were found');
  }, 60_000);
});
