import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { dropDatabase, ensureDatabase } from '../src/database/ensure-database.js';
import { runMigrations } from '../src/database/run-migrations.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/** ADMIN_EMAIL + ADMIN_PASSWORD at boot act only on a users table that has never had a row. */
describe('first admin from the environment', () => {
  const databaseUrl = (() => {
    const url = new URL(process.env.DATABASE_URL!);
    url.pathname = `/admin_${randomUUID().replace(/-/g, '')}`;
    return url.toString();
  })();
  const admin = {
    ADMIN_EMAIL: 'Founder@Example.test',
    ADMIN_PASSWORD: 'a long founder passphrase',
  };
  const apps: TestApp[] = [];
  const boot = async (env: Record<string, string>) => {
    const t = await createTestApp({
      DATABASE_URL: databaseUrl,
      QUEUE_PREFIX: `admin-${randomUUID()}`,
      ...env,
    });
    apps.push(t);
    return t;
  };
  const signIn = (t: TestApp, email: string, password: string) =>
    t.http.post('/api/v1/auth/login').send({ email, password });

  beforeAll(async () => {
    await ensureDatabase(databaseUrl);
    await runMigrations(databaseUrl);
  });
  afterAll(async () => {
    for (const t of apps) await t.close();
    await dropDatabase(databaseUrl);
  });

  it('creates the admin on an empty table, once, and never again', async () => {
    const first = await boot(admin);
    const res = await signIn(first, admin.ADMIN_EMAIL, admin.ADMIN_PASSWORD).expect(200);
    expect(res.body.user).toMatchObject({ role: 'admin', emailVerified: true });

    // Another boot with other credentials: the table is not empty any more, nothing happens.
    const second = await boot({
      ADMIN_EMAIL: 'intruder@example.test',
      ADMIN_PASSWORD: 'another long passphrase',
    });
    await signIn(second, 'intruder@example.test', 'another long passphrase').expect(401);
  });
});
