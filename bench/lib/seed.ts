import { createHash, randomBytes } from 'node:crypto';
import { argon2id, hash } from 'argon2';
import pg from 'pg';

export const PASSWORD = 'bench-password-correct-horse-battery';
export const userEmail = (i: number) => `bench-user-${i}@bench.test`;

export interface Argon2Params {
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

/** The app's defaults (src/config/auth.config.ts); override with the same env vars. */
export function argon2Params(): Argon2Params {
  return {
    memoryCost: Number(process.env.ARGON2_MEMORY_KIB ?? 19_456),
    timeCost: Number(process.env.ARGON2_TIME_COST ?? 2),
    parallelism: Number(process.env.ARGON2_PARALLELISM ?? 1),
  };
}

export async function withDb<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/**
 * Users `bench-user-<from..to>@bench.test` with one argon2id hash computed once (same password),
 * inserted by SQL in batches: seconds instead of the hours the API would need. Returns their ids
 * in order.
 */
export async function seedUsers(url: string, from: number, to: number): Promise<string[]> {
  const passwordHash = await hash(PASSWORD, { type: argon2id, ...argon2Params() });
  return withDb(url, async (c) => {
    const ids: string[] = [];
    const batch = 20_000;
    for (let start = from; start <= to; start += batch) {
      const end = Math.min(to, start + batch - 1);
      const { rows } = await c.query<{ id: string }>(
        `INSERT INTO users (email, display_name, password_hash, email_verified_at)
         SELECT 'bench-user-' || i || '@bench.test', 'Bench User ' || i, $3, now()
         FROM generate_series($1::int, $2::int) AS i
         ORDER BY i
         RETURNING id`,
        [start, end, passwordHash],
      );
      ids.push(...rows.map((r) => r.id));
    }
    return ids;
  });
}

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

/** A live session per user with a known refresh token (what a login would have created). */
export async function seedSessions(
  url: string,
  userIds: string[],
): Promise<Array<{ userId: string; sessionId: string; refreshToken: string }>> {
  const tokens = userIds.map(() => randomBytes(32).toString('base64url'));
  return withDb(url, async (c) => {
    const { rows } = await c.query<{ id: string; user_id: string }>(
      `INSERT INTO sessions (user_id, current_token_hash, device_name, user_agent, ip_address, last_used_at)
       SELECT u, h, 'bench', 'autocannon', '127.0.0.1', now()
       FROM unnest($1::uuid[], $2::text[]) AS t(u, h)
       RETURNING id, user_id`,
      [userIds, tokens.map(sha256)],
    );
    const byUser = new Map(rows.map((r) => [r.user_id, r.id]));
    return userIds.map((userId, i) => ({
      userId,
      sessionId: byUser.get(userId) as string,
      refreshToken: tokens[i],
    }));
  });
}
