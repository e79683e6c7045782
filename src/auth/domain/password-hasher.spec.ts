import { describe, it, expect } from '@jest/globals';
import { performance } from 'node:perf_hooks';
import { OWASP_ARGON2ID, PasswordHasher } from './password-hasher.js';

const PASSWORD = 'a long and uncommon passphrase';

async function medianMs(runs: number, work: () => Promise<unknown>): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const start = performance.now();
    await work();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(runs / 2)] ?? Number.NaN;
}

describe('PasswordHasher', () => {
  const hasher = new PasswordHasher();

  it('produces argon2id hashes with the OWASP parameters by default', async () => {
    const encoded = await hasher.hash(PASSWORD);
    expect(encoded.startsWith('$argon2id$v=19$')).toBe(true);
    const params = new Set(encoded.split('$')[3]?.split(','));
    expect(params).toEqual(new Set(['m=19456', 't=2', 'p=1']));
    expect(OWASP_ARGON2ID).toEqual({ memoryCost: 19_456, timeCost: 2, parallelism: 1 });
  });

  it('salts every hash', async () => {
    expect(await hasher.hash(PASSWORD)).not.toBe(await hasher.hash(PASSWORD));
  });

  it('verifies the right password and rejects others', async () => {
    const encoded = await hasher.hash(PASSWORD);
    expect(await hasher.verify(encoded, PASSWORD)).toBe(true);
    expect(await hasher.verify(encoded, PASSWORD.toUpperCase())).toBe(false);
    expect(await hasher.verify(encoded, `${PASSWORD} `)).toBe(false);
  });

  it('does not truncate long or multi-byte passwords', async () => {
    const long = '🔐'.repeat(127) + 'a';
    const encoded = await hasher.hash(long);
    expect(await hasher.verify(encoded, long)).toBe(true);
    expect(await hasher.verify(encoded, '🔐'.repeat(127) + 'b')).toBe(false);
  });

  it('returns false instead of throwing for malformed hashes', async () => {
    for (const bad of ['', 'not a hash', '$argon2id$v=19$m=abc', '$2b$10$abcdefghijklmnopqrstuv']) {
      await expect(hasher.verify(bad, PASSWORD)).resolves.toBe(false);
    }
  });

  it('runs at most `concurrency` computations at once; the rest wait their turn', async () => {
    const cheap = { memoryCost: 4096, timeCost: 1, parallelism: 1 };
    const one = new PasswordHasher(cheap, 1);
    const encoded = await one.hash(PASSWORD);
    const checks = [PASSWORD, 'wrong password here', PASSWORD].map((p) => one.verify(encoded, p));
    expect(one.queued).toBe(2);
    await expect(Promise.all(checks)).resolves.toEqual([true, false, true]);
    expect(one.queued).toBe(0);
    const two = new PasswordHasher(cheap, 2);
    const both = [two.hash(PASSWORD), two.hash(PASSWORD), two.hash(PASSWORD)];
    expect(two.queued).toBe(1);
    await Promise.all(both);
  });

  it('asks for a rehash when the stored parameters differ from the configured ones', async () => {
    const weak = new PasswordHasher({ memoryCost: 4096, timeCost: 1, parallelism: 1 });
    const weakHash = await weak.hash(PASSWORD);
    expect(weak.needsRehash(weakHash)).toBe(false);
    expect(hasher.needsRehash(weakHash)).toBe(true);
    expect(hasher.needsRehash(await hasher.hash(PASSWORD))).toBe(false);
    expect(hasher.needsRehash('garbage')).toBe(true);
    expect(hasher.needsRehash('$2b$10$abcdefghijklmnopqrstuv')).toBe(true);
  });

  it('spends on a dummy verification what a real one costs', async () => {
    // Far from argon2's library defaults, so a dummy hashed with the wrong parameters shows up.
    const cheap = new PasswordHasher({ memoryCost: 8192, timeCost: 1, parallelism: 1 });
    const expensive = new PasswordHasher({ memoryCost: 65_536, timeCost: 3, parallelism: 1 });
    const encoded = await expensive.hash(PASSWORD);

    await expensive.verifyAgainstDummy(PASSWORD); // computes the dummy once
    const real = await medianMs(5, () => expensive.verify(encoded, 'wrong password here'));
    const dummy = await medianMs(5, () => expensive.verifyAgainstDummy(PASSWORD));
    const cheapDummy = await medianMs(5, () => cheap.verifyAgainstDummy(PASSWORD));

    expect(dummy / real).toBeGreaterThan(0.5);
    expect(dummy / real).toBeLessThan(2);
    expect(cheapDummy).toBeLessThan(real / 3);
  });

  it('always answers false for the dummy', async () => {
    await expect(hasher.verifyAgainstDummy('dummy password for timing equalisation')).resolves.toBe(
      false,
    );
    await expect(hasher.verifyAgainstDummy(PASSWORD)).resolves.toBe(false);
  });
});
