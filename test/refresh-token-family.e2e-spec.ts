import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { ManualClock } from '../src/common/clock.js';
import { signUp, type SignedUp } from './support/auth.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const API = '/api/v1';
// Cheap argon2 for speed; test/auth-argon2.e2e-spec.ts runs the production parameters.
const CHEAP_ARGON2 = { ARGON2_MEMORY_KIB: '1024', ARGON2_TIME_COST: '1' };
const GRACE_MS = 10_000;

interface Pair {
  accessToken: string;
  refreshToken: string;
}

describe('refresh-token family: every rotated generation is theft when replayed', () => {
  let t: TestApp;
  let admin: SignedUp;
  const clock = new ManualClock(new Date());

  const refresh = (refreshToken: string) =>
    t.http.post(`${API}/auth/refresh`).send({ refreshToken });
  const me = (pair: Pair) => t.asUser(pair).get(`${API}/users/me`);

  /** The login's pair, then one pair per rotation, each from the one before. */
  const generations = async (user: SignedUp, rotations: number): Promise<Pair[]> => {
    const pairs: Pair[] = [user];
    for (let i = 0; i < rotations; i += 1) {
      const res = await refresh(pairs[i]!.refreshToken).expect(200);
      pairs.push(res.body as Pair);
      clock.advance(1_000);
    }
    return pairs;
  };

  const sessionIdOf = async (pair: Pair): Promise<string> => {
    const res = await t.asUser(pair).get(`${API}/auth/sessions`).expect(200);
    const sessions = res.body.data as Array<{ id: string; current: boolean }>;
    return sessions.find((s) => s.current)!.id;
  };

  const reuseEventsOf = async (userId: string) => {
    const res = await t.asUser(admin).get(`${API}/users/${userId}/auth-events`).expect(200);
    return (
      res.body.data as Array<{ type: string; sessionId: string | null; details: object }>
    ).filter((e) => e.type === 'refresh_reuse_detected');
  };

  /** Theft was detected: 401 for the replay, the session dead at once, one audit event. */
  const expectRevokedByReplay = async (user: SignedUp, pairs: Pair[], replayed: Pair) => {
    const newest = pairs.at(-1)!;
    const sessionId = await sessionIdOf(newest);
    const replay = await refresh(replayed.refreshToken).expect(401);
    expect(replay.body.type).toBe('urn:problem:invalid-refresh-token');
    await me(newest).expect(401);
    const afterwards = await refresh(newest.refreshToken).expect(401);
    expect(afterwards.body.type).toBe('urn:problem:invalid-refresh-token');
    expect(await reuseEventsOf(user.userId)).toEqual([
      expect.objectContaining({
        sessionId,
        details: expect.objectContaining({ retiredAt: expect.any(String) }),
      }),
    ]);
    const [row] = await t.app
      .get(DataSource)
      .query(`SELECT revoked_reason FROM sessions WHERE id = $1`, [sessionId]);
    expect(row).toEqual({ revoked_reason: 'refresh_reuse' });
  };

  beforeAll(async () => {
    t = await createTestApp(
      { ...CHEAP_ARGON2, REFRESH_GRACE_SECONDS: String(GRACE_MS / 1000) },
      { clock },
    );
    admin = await signUp(t, { role: 'admin' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('keeps every generation: the newest current, one previous, the rest retired', async () => {
    const user = await signUp(t);
    const pairs = await generations(user, 5);
    const sessionId = await sessionIdOf(pairs[5]!);
    const [counts] = await t.app.get(DataSource).query(
      `SELECT (SELECT count(*) FROM session_retired_tokens WHERE session_id = $1)::int AS retired,
              (SELECT count(*) FROM sessions WHERE id = $1 AND previous_token_hash IS NOT NULL)::int AS previous`,
      [sessionId],
    );
    expect(counts).toEqual({ retired: 4, previous: 1 });
  });

  it('revokes the session when the first token comes back after five rotations', async () => {
    const user = await signUp(t);
    const pairs = await generations(user, 5);
    clock.advance(GRACE_MS + 1);
    await expectRevokedByReplay(user, pairs, pairs[0]!);
  });

  it('revokes the session when a middle generation comes back', async () => {
    const user = await signUp(t);
    const pairs = await generations(user, 5);
    clock.advance(GRACE_MS + 1);
    await expectRevokedByReplay(user, pairs, pairs[2]!);
  });

  it('gives an older generation no grace window, even right after its rotation', async () => {
    const user = await signUp(t);
    const pairs = await generations(user, 2);
    // Two rotations ago, within the grace window of the last one: still theft.
    await expectRevokedByReplay(user, pairs, pairs[0]!);
  });

  it('keeps the grace window for a duplicate of the last rotation after several', async () => {
    const user = await signUp(t);
    const pairs = await generations(user, 3);
    const last = await refresh(pairs[3]!.refreshToken).expect(200);
    const duplicate = await refresh(pairs[3]!.refreshToken).expect(200);
    expect(duplicate.body.refreshToken).toBe(last.body.refreshToken);
    expect(duplicate.body.accessToken).toBe(last.body.accessToken);
    await me(last.body as Pair).expect(200);
    await refresh(last.body.refreshToken).expect(200);
    expect(await reuseEventsOf(user.userId)).toEqual([]);
  });

  it('answers a refresh token the session never issued with 401 and no side effect', async () => {
    const user = await signUp(t);
    const pairs = await generations(user, 2);
    const stranger = await refresh('x'.repeat(43)).expect(401);
    expect(stranger.body.type).toBe('urn:problem:invalid-refresh-token');
    await me(pairs[2]!).expect(200);
    await refresh(pairs[2]!.refreshToken).expect(200);
  });
});
