import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { dropDatabase, ensureDatabase } from '../src/database/ensure-database.js';
import { migrations } from '../src/database/migrations/index.js';

/**
 * `node dist/src/migrate.js`, what the Kubernetes migrations Job runs (from source here): on an
 * empty database, twice at once, as a retried Job or two releases overlapping would.
 */
function migrate(env: Record<string, string>) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      'node_modules/.bin/tsx',
      ['src/migrate.ts'],
      { env: { ...process.env, ...env }, timeout: 90_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('the migrations entry point (Kubernetes Job)', () => {
  const url = new URL(process.env.DATABASE_URL!);
  url.pathname = `/migrate_job_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const databaseUrl = url.toString();

  afterAll(() => dropDatabase(databaseUrl));

  it('applies every migration once when two run at once, then exits 0', async () => {
    await ensureDatabase(databaseUrl);
    // Production-like: NODE_ENV=production skips the create-database step and wants every secret.
    const env = {
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl,
      REDIS_URL: 'redis://127.0.0.1:1',
      JWT_SECRET: 'j'.repeat(40),
      MFA_ENCRYPTION_KEY: 'm'.repeat(40),
      STORAGE_ALLOW_LOCAL_IN_PRODUCTION: 'true',
      SMTP_URL: 'smtp://127.0.0.1:1',
      LOG_LEVEL: 'info',
      DB_MIGRATE_ON_BOOT: 'false',
    };
    const runs = await Promise.all([migrate(env), migrate(env)]);
    expect(runs.map((r) => r.code)).toEqual([0, 0]);
    expect(runs.every((r) => r.stdout.includes('migrations up to date'))).toBe(true);

    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ name: string; n: number }>(
        'SELECT name, count(*)::int AS n FROM migrations GROUP BY name',
      );
      expect(rows).toHaveLength(migrations.length);
      expect(rows.every((row) => row.n === 1)).toBe(true);
    } finally {
      await client.end();
    }
  }, 120_000);

  it('refuses to start without the configuration production requires', async () => {
    const run = await migrate({ NODE_ENV: 'production', DATABASE_URL: '' });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/DATABASE_URL: required when NODE_ENV=production/);
  }, 60_000);
});
