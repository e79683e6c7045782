import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { login, signUp } from './support/auth.js';
import { userRow } from './support/rows.js';
import { createTestApp, type TestApp } from './support/test-app.js';

function createAdmin(args: string[], stdin?: string) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const child = execFile(
      'node_modules/.bin/tsx',
      ['scripts/create-admin.ts', ...args],
      {
        env: { ...process.env, ARGON2_MEMORY_KIB: '1024', ARGON2_TIME_COST: '1' },
        timeout: 60_000,
      },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin?.end(stdin ?? '');
  });
}

describe('first admin', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ ARGON2_MEMORY_KIB: '1024', ARGON2_TIME_COST: '1' });
  });
  afterAll(() => t.close());

  it('creates an admin from the CLI (password from stdin) who can use admin routes', async () => {
    const email = `cli-admin-${randomUUID()}@example.test`;
    const password = 'a long admin passphrase from stdin';
    const run = await createAdmin(
      ['--email', email, '--name', 'Root', '--password-stdin'],
      `${password}\n`,
    );
    expect(run).toMatchObject({ code: 0 });
    expect(run.stdout).toContain(`created admin ${email}`);
    const tokens = await login(t, email, password);
    await t.asUser(tokens).get('/api/v1/users').expect(200);
  }, 60_000);

  it('refuses a weak password and promotes an existing account', async () => {
    const weak = await createAdmin(
      ['--email', `weak-${randomUUID()}@example.test`, '--password-stdin'],
      'password123\n',
    );
    expect(weak.code).not.toBe(0);
    expect(weak.stderr).toMatch(/password rejected/);
    const u = await signUp(t);
    const promoted = await createAdmin(['--email', u.email.toUpperCase()]);
    expect(promoted.stdout).toContain('promoted');
    expect((await userRow(t.app, u.userId)).role).toBe('admin');
    await expect(createAdmin([])).resolves.toMatchObject({ code: 2 });
  }, 60_000);

  it('ignores ADMIN_EMAIL/ADMIN_PASSWORD at boot when the users table is not empty', async () => {
    const email = `env-admin-${randomUUID()}@example.test`;
    const other = await createTestApp({
      ADMIN_EMAIL: email,
      ADMIN_PASSWORD: 'an admin passphrase from env',
    });
    try {
      const rows = await other.app
        .get(DataSource)
        .query(`SELECT 1 FROM users WHERE email = $1`, [email]);
      expect(rows).toHaveLength(0);
    } finally {
      await other.close();
    }
  });
});
