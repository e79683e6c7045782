import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { login, signUp } from './support/auth.js';
import { userRow } from './support/rows.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/** The production argon2id parameters (OWASP: m=19 MiB, t=2, p=1), end to end. */
describe('password hashing at production parameters', () => {
  let production: TestApp;
  beforeAll(async () => {
    production = await createTestApp();
  });
  afterAll(() => production.close());

  const storedParams = async (t: TestApp, userId: string) => {
    const row = await userRow(t.app, userId);
    return String(row.password_hash).split('$')[3]?.split(',').sort().join(',');
  };

  it('stores argon2id with m=19456, t=2, p=1', async () => {
    const u = await signUp(production);
    expect(await storedParams(production, u.userId)).toBe('m=19456,p=1,t=2');
  });

  it('rehashes on login when the configured parameters changed', async () => {
    const cheap = await createTestApp({ ARGON2_MEMORY_KIB: '1024', ARGON2_TIME_COST: '1' });
    try {
      const u = await signUp(cheap);
      expect(await storedParams(cheap, u.userId)).toBe('m=1024,p=1,t=1');
      await login(production, u.email, u.password);
      expect(await storedParams(production, u.userId)).toBe('m=19456,p=1,t=2');
      await login(production, u.email, u.password);
    } finally {
      await cheap.close();
    }
  });
});
