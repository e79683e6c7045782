import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { generate } from 'otplib';
import { DataSource } from 'typeorm';
import { ManualClock } from '../src/common/clock.js';
import { login, signUp, type SignedUp } from './support/auth.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { waitFor } from './support/wait.js';
import { authEventTypes } from './support/rows.js';

const API = '/api/v1';
const CHEAP_ARGON2 = { ARGON2_MEMORY_KIB: '1024', ARGON2_TIME_COST: '1' };
const STEP_MS = 30_000;

interface Enrolled extends SignedUp {
  secret: string;
  recoveryCodes: string[];
}

const claimsOf = (accessToken: string) =>
  JSON.parse(Buffer.from(accessToken.split('.')[1] ?? '', 'base64url').toString()) as {
    amr: string[];
    aal: string;
  };

/**
 * Two-factor authentication end to end. The test plays the authenticator app: it computes codes
 * with otplib from the secret enrolment returned, at the time of the injected clock, which the
 * test moves a 30-second step forward whenever it needs a fresh code (no sleeps).
 */
describe('two-factor authentication (TOTP, recovery codes, step-up)', () => {
  let t: TestApp;
  const clock = new ManualClock(new Date('2026-03-02T12:00:05Z'));

  /** The app's code now; the clock then moves on a step, so the next call gets a fresh one. */
  const codeNow = async (secret: string) => {
    const code = await generate({ secret, epoch: Math.floor(clock.now().getTime() / 1000) });
    return code;
  };
  const nextStep = () => clock.advance(STEP_MS);

  const enrol = async (user: SignedUp): Promise<Enrolled> => {
    const started = await t.asUser(user).post(`${API}/auth/mfa/totp`).expect(200);
    const { secret } = started.body as { secret: string };
    const verified = await t
      .asUser(user)
      .post(`${API}/auth/mfa/totp/verify`)
      .send({ code: await codeNow(secret) })
      .expect(200);
    nextStep();
    return { ...user, secret, recoveryCodes: verified.body.recoveryCodes as string[] };
  };

  const passwordLogin = (user: SignedUp) =>
    t.http.post(`${API}/auth/login`).send({ email: user.email, password: user.password });

  const mfaTokenFor = async (user: SignedUp): Promise<string> => {
    const res = await passwordLogin(user).expect(200);
    expect(res.body.mfaRequired).toBe(true);
    return res.body.mfaToken as string;
  };

  const challenge = (mfaToken: string, code: string) =>
    t.http.post(`${API}/auth/mfa/challenge`).send({ mfaToken, code });

  const stepUp = async (user: SignedUp, secret: string): Promise<string> => {
    const res = await t
      .asUser(user)
      .post(`${API}/auth/mfa/step-up`)
      .send({ code: await codeNow(secret) })
      .expect(200);
    nextStep();
    return res.body.accessToken as string;
  };

  const eventsOf = (userId: string) => authEventTypes(t.app, userId);

  beforeAll(async () => {
    t = await createTestApp(
      { ...CHEAP_ARGON2, ADMIN_MFA_REQUIRED: 'true', MFA_ISSUER: 'Acme' },
      { clock },
    );
  });
  afterAll(async () => {
    await t.close();
  });

  describe('enrolment', () => {
    it('gives a secret and an otpauth URI, turns MFA on with a first code and answers 10 recovery codes', async () => {
      const user = await signUp(t);
      const started = await t.asUser(user).post(`${API}/auth/mfa/totp`).expect(200);
      const { secret, otpauthUri } = started.body as { secret: string; otpauthUri: string };
      expect(secret).toMatch(/^[A-Z2-7]{32}$/);
      const uri = new URL(otpauthUri);
      expect(uri.protocol).toBe('otpauth:');
      expect(uri.host).toBe('totp');
      expect(decodeURIComponent(uri.pathname)).toBe(`/Acme:${user.email}`);
      expect(uri.searchParams.get('secret')).toBe(secret);

      const wrong = await t
        .asUser(user)
        .post(`${API}/auth/mfa/totp/verify`)
        .send({ code: (Number(await codeNow(secret)) + 1).toString().padStart(6, '0').slice(-6) })
        .expect(400);
      expect(wrong.body.type).toBe('urn:problem:invalid-mfa-code');
      // Not on yet: the password alone still signs in.
      expect((await passwordLogin(user).expect(200)).body.accessToken).toEqual(expect.any(String));

      const verified = await t
        .asUser(user)
        .post(`${API}/auth/mfa/totp/verify`)
        .send({ code: await codeNow(secret) })
        .expect(200);
      nextStep();
      const codes = verified.body.recoveryCodes as string[];
      expect(codes).toHaveLength(10);
      expect(new Set(codes).size).toBe(10);
      for (const code of codes) expect(code).toMatch(/^[0-9A-Z]{5}-[0-9A-Z]{5}$/);

      const again = await t.asUser(user).post(`${API}/auth/mfa/totp`).expect(409);
      expect(again.body.type).toBe('urn:problem:mfa-already-enabled');
      expect(await eventsOf(user.userId)).toEqual(
        expect.arrayContaining(['mfa_enrolment_started', 'mfa_failed', 'mfa_enabled']),
      );
    });

    it('keeps the secret sealed and only keyed hashes of the recovery codes', async () => {
      const user = await enrol(await signUp(t));
      const db = t.app.get(DataSource);
      const [factor] = await db.query(
        `SELECT "secret_sealed", "activated_at" FROM "totp_factors" WHERE "user_id" = $1`,
        [user.userId],
      );
      expect(factor.secret_sealed).toMatch(/^sealed:v1:/);
      expect(factor.secret_sealed).not.toContain(user.secret);
      expect(factor.activated_at).not.toBeNull();
      const hashes: Array<{ code_hash: string }> = await db.query(
        `SELECT "code_hash" FROM "mfa_recovery_codes" WHERE "user_id" = $1`,
        [user.userId],
      );
      expect(hashes).toHaveLength(10);
      const stored = hashes.map((h) => h.code_hash).join(' ');
      for (const code of user.recoveryCodes) {
        expect(stored).not.toContain(code.replace('-', ''));
      }
      for (const h of hashes) expect(h.code_hash).toMatch(/^[0-9a-f]{64}$/);
    });

    it('tells the owner on their channels when MFA is turned on', async () => {
      const user = await enrol(await signUp(t));
      await waitFor(
        async () => {
          const res = await t.asUser(user).get(`${API}/notifications`);
          return (res.body.data as Array<{ type: string }>).some(
            (n) => n.type === 'auth.mfa_changed',
          );
        },
        { what: 'the mfa_changed notification' },
      );
    });

    it('refuses to verify without a pending enrolment', async () => {
      const user = await signUp(t);
      const res = await t
        .asUser(user)
        .post(`${API}/auth/mfa/totp/verify`)
        .send({ code: '123456' })
        .expect(409);
      expect(res.body.type).toBe('urn:problem:mfa-enrolment-not-started');
    });
  });

  describe('sign-in', () => {
    it('keeps the token response of an account without MFA exactly as it was', async () => {
      const user = await signUp(t);
      const res = await passwordLogin(user).expect(200);
      expect(Object.keys(res.body).sort()).toEqual(
        ['accessToken', 'expiresIn', 'refreshToken', 'tokenType', 'user'].sort(),
      );
      expect(claimsOf(res.body.accessToken)).toMatchObject({ amr: ['pwd'], aal: 'aal1' });
    });

    it('answers mfaRequired without tokens, then the challenge with a TOTP code starts an aal2 session', async () => {
      const user = await enrol(await signUp(t));
      const res = await passwordLogin(user).expect(200);
      expect(res.body).toEqual({
        mfaRequired: true,
        mfaToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
        expiresIn: 300,
        methods: ['otp', 'recovery'],
      });
      const done = await challenge(res.body.mfaToken, await codeNow(user.secret)).expect(200);
      nextStep();
      expect(done.body).toMatchObject({ tokenType: 'Bearer', user: { id: user.userId } });
      expect(claimsOf(done.body.accessToken)).toMatchObject({ amr: ['pwd', 'otp'], aal: 'aal2' });
      await t.withToken(done.body.accessToken).get(`${API}/users/me`).expect(200);
      // The refreshed token keeps the session's assurance.
      const refreshed = await t.http
        .post(`${API}/auth/refresh`)
        .send({ refreshToken: done.body.refreshToken })
        .expect(200);
      expect(claimsOf(refreshed.body.accessToken).aal).toBe('aal2');
      expect(await eventsOf(user.userId)).toEqual(
        expect.arrayContaining(['mfa_challenge_started', 'login_succeeded']),
      );
    });

    it('accepts a TOTP code once: the same code (and an older one) is refused afterwards', async () => {
      const user = await enrol(await signUp(t));
      const older = await codeNow(user.secret);
      nextStep();
      const code = await codeNow(user.secret);
      await challenge(await mfaTokenFor(user), code).expect(200);
      const replay = await challenge(await mfaTokenFor(user), code).expect(400);
      expect(replay.body.type).toBe('urn:problem:invalid-mfa-code');
      // Still within the ±1 step window, but before the accepted step.
      await challenge(await mfaTokenFor(user), older).expect(400);
      nextStep();
      await challenge(await mfaTokenFor(user), await codeNow(user.secret)).expect(200);
    });

    it('completes with a recovery code, which then never works again', async () => {
      const user = await enrol(await signUp(t));
      const [code] = user.recoveryCodes as [string];
      const done = await challenge(await mfaTokenFor(user), code.toLowerCase()).expect(200);
      expect(claimsOf(done.body.accessToken)).toMatchObject({
        amr: ['pwd', 'recovery'],
        aal: 'aal2',
      });
      const twice = await challenge(await mfaTokenFor(user), code).expect(400);
      expect(twice.body.type).toBe('urn:problem:invalid-mfa-code');
      await challenge(await mfaTokenFor(user), user.recoveryCodes[1] as string).expect(200);
    });

    it('uses an mfa token once, and not after it expired', async () => {
      const user = await enrol(await signUp(t));
      const mfaToken = await mfaTokenFor(user);
      await challenge(mfaToken, await codeNow(user.secret)).expect(200);
      nextStep();
      const reused = await challenge(mfaToken, await codeNow(user.secret)).expect(401);
      expect(reused.body.type).toBe('urn:problem:invalid-mfa-token');

      const late = await mfaTokenFor(user);
      clock.advance(5 * 60_000);
      const expired = await challenge(late, await codeNow(user.secret)).expect(401);
      expect(expired.body.type).toBe('urn:problem:invalid-mfa-token');
      const unknown = await challenge('x'.repeat(43), '123456').expect(401);
      expect(unknown.body.type).toBe('urn:problem:invalid-mfa-token');
    });

    it('ends a pending sign-in after 5 wrong codes, and rate-limits wrong codes per account', async () => {
      const user = await enrol(await signUp(t));
      const wrong = async () => {
        const right = await codeNow(user.secret);
        return right === '000000' ? '000001' : '000000';
      };
      const first = await mfaTokenFor(user);
      for (let i = 0; i < 5; i += 1) await challenge(first, await wrong()).expect(400);
      const dead = await challenge(first, await codeNow(user.secret)).expect(401);
      expect(dead.body.type).toBe('urn:problem:invalid-mfa-token');

      const second = await mfaTokenFor(user);
      for (let i = 0; i < 4; i += 1) await challenge(second, await wrong()).expect(400);
      const third = await mfaTokenFor(user);
      await challenge(third, await wrong()).expect(400);
      // Ten wrong codes on the account: even the right one waits for the window to end.
      const limited = await challenge(third, await codeNow(user.secret)).expect(429);
      expect(limited.body.type).toBe('urn:problem:too-many-requests');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect(await eventsOf(user.userId)).toContain('mfa_failed');
    });

    it('rejects malformed challenge bodies', async () => {
      const res = await t.http
        .post(`${API}/auth/mfa/challenge`)
        .send({ mfaToken: 'short', code: '12' })
        .expect(400);
      expect(res.body.type).toBe('urn:problem:validation-failed');
    });
  });

  describe('step-up on sensitive routes', () => {
    it('needs aal2 for password change, account deletion and new recovery codes once MFA is on', async () => {
      // Signed in before enrolment: this session is aal1.
      const user = await enrol(await signUp(t));
      const sensitive = [
        () =>
          t
            .asUser(user)
            .post(`${API}/auth/password/change`)
            .send({ currentPassword: user.password, newPassword: 'a brand new passphrase 42' }),
        () => t.asUser(user).delete(`${API}/users/me`).send({ password: user.password }),
        () => t.asUser(user).post(`${API}/auth/mfa/recovery-codes`),
      ];
      for (const call of sensitive) {
        const res = await call().expect(403);
        expect(res.body).toMatchObject({
          type: 'urn:problem:step-up-required',
          detail: expect.stringContaining('POST /api/v1/auth/mfa/step-up'),
        });
      }
      // Ordinary routes are not affected.
      await t.asUser(user).get(`${API}/users/me`).expect(200);

      const stepped = { ...user, accessToken: await stepUp(user, user.secret) };
      expect(claimsOf(stepped.accessToken)).toMatchObject({ amr: ['pwd', 'otp'], aal: 'aal2' });
      const regenerated = await t
        .asUser(stepped)
        .post(`${API}/auth/mfa/recovery-codes`)
        .expect(200);
      const fresh = regenerated.body.recoveryCodes as string[];
      expect(fresh).toHaveLength(10);
      // The old codes are void, the new ones work.
      await challenge(await mfaTokenFor(user), user.recoveryCodes[0] as string).expect(400);
      await challenge(await mfaTokenFor(user), fresh[0] as string).expect(200);
      await t
        .asUser(stepped)
        .post(`${API}/auth/password/change`)
        .send({ currentPassword: user.password, newPassword: 'a brand new passphrase 42' })
        .expect(204);
      expect(await eventsOf(user.userId)).toEqual(
        expect.arrayContaining(['mfa_step_up', 'recovery_codes_regenerated', 'password_changed']),
      );
    });

    it('lets an MFA account delete itself after a step-up with a recovery code', async () => {
      const user = await enrol(await signUp(t));
      const res = await t
        .asUser(user)
        .post(`${API}/auth/mfa/step-up`)
        .send({ code: user.recoveryCodes[0] })
        .expect(200);
      const stepped = { ...user, accessToken: res.body.accessToken as string };
      await t
        .asUser(stepped)
        .delete(`${API}/users/me`)
        .send({ password: user.password })
        .expect(204);
      const [{ count }] = await t.app
        .get(DataSource)
        .query(`SELECT count(*)::int AS count FROM "totp_factors" WHERE "user_id" = $1`, [
          user.userId,
        ]);
      expect(count).toBe(0);
    });

    it('refuses a step-up with a wrong code, or without MFA', async () => {
      const user = await enrol(await signUp(t));
      const wrong = await t
        .asUser(user)
        .post(`${API}/auth/mfa/step-up`)
        .send({ code: 'ZZZZZ-ZZZZZ' })
        .expect(400);
      expect(wrong.body.type).toBe('urn:problem:invalid-mfa-code');
      const plain = await signUp(t);
      const off = await t
        .asUser(plain)
        .post(`${API}/auth/mfa/step-up`)
        .send({ code: '123456' })
        .expect(409);
      expect(off.body.type).toBe('urn:problem:mfa-not-enabled');
    });

    it('turns MFA off with a fresh code; the password alone signs in again', async () => {
      const user = await enrol(await signUp(t));
      const wrong = await t
        .asUser(user)
        .delete(`${API}/auth/mfa/totp`)
        .send({ code: 'ZZZZZ-ZZZZZ' })
        .expect(400);
      expect(wrong.body.type).toBe('urn:problem:invalid-mfa-code');
      await t
        .asUser(user)
        .delete(`${API}/auth/mfa/totp`)
        .send({ code: await codeNow(user.secret) })
        .expect(204);
      nextStep();
      const res = await passwordLogin(user).expect(200);
      expect(res.body.accessToken).toEqual(expect.any(String));
      expect(await eventsOf(user.userId)).toContain('mfa_disabled');
      const off = await t.asUser(user).post(`${API}/auth/mfa/recovery-codes`).expect(409);
      expect(off.body.type).toBe('urn:problem:mfa-not-enabled');
    });
  });

  describe('admins (ADMIN_MFA_REQUIRED=true)', () => {
    it('sends an admin without MFA to enrol; enrolment stays reachable; then step-up opens admin routes', async () => {
      const admin = await signUp(t, { role: 'admin' });
      const blocked = await t.asUser(admin).get(`${API}/users`).expect(403);
      expect(blocked.body).toMatchObject({
        type: 'urn:problem:mfa-enrolment-required',
        detail: expect.stringContaining('POST /api/v1/auth/mfa/totp'),
      });
      const enrolled = await enrol(admin);
      const stepUpNeeded = await t.asUser(admin).get(`${API}/users`).expect(403);
      expect(stepUpNeeded.body.type).toBe('urn:problem:step-up-required');
      const token = await stepUp(admin, enrolled.secret);
      await t.withToken(token).get(`${API}/users`).expect(200);

      // A fresh sign-in goes through the challenge and is aal2 at once.
      const again = await challenge(await mfaTokenFor(admin), await codeNow(enrolled.secret));
      expect(again.status).toBe(200);
      nextStep();
      await t.withToken(again.body.accessToken).get(`${API}/users`).expect(200);
    });

    it('leaves users on user routes alone', async () => {
      const user = await signUp(t);
      const { accessToken } = await login(t, user.email, user.password);
      await t.withToken(accessToken).get(`${API}/users/me`).expect(200);
      await t.withToken(accessToken).get(`${API}/users`).expect(403);
    });
  });
});
