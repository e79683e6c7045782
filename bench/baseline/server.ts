/**
 * The raw baseline: node:http, no framework, doing the same work per request as the app's read
 * endpoints. Started by the suite as its own process, like the app:
 *   PORT DATABASE_URL REDIS_URL QUEUE_PREFIX JWT_SECRET JWT_ISSUER JWT_AUDIENCE
 *
 * GET /users/me       verify the HS256 access token (jose, KeyObject), one Redis GET (session
 *                     revocation), one primary-key SELECT (pg), JSON out.
 * GET /notifications  the same auth, then one keyset page (20 rows) of the caller's notifications.
 * PUT /sync/documents/:collection/:key, GET /sync/changes   the same auth, then the sync
 *                     module's statements (bench/baseline/sync.ts).
 */
import { createSecretKey } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Redis } from 'ioredis';
import { jwtVerify } from 'jose';
import pg from 'pg';
import { SyncBaseline } from './sync.js';

const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is required`);
  return v;
};

const key = createSecretKey(Buffer.from(env('JWT_SECRET'), 'utf8'));
const issuer = env('JWT_ISSUER');
const audience = env('JWT_AUDIENCE');
const prefix = env('QUEUE_PREFIX');
const pool = new pg.Pool({ connectionString: env('DATABASE_URL'), max: 10 });
const redis = new Redis(env('REDIS_URL'), { keyPrefix: `${prefix}:` });

const sync = new SyncBaseline(pool, redis, prefix);

const UNAUTHORIZED = JSON.stringify({ status: 401, title: 'Unauthorized' });

function send(
  res: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'Content-Type': status < 400 ? 'application/json' : 'application/problem+json',
    'Content-Length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

async function principal(req: IncomingMessage): Promise<{ userId: string } | null> {
  const header = req.headers.authorization;
  if (!header?.startsWith('Bearer ')) return null;
  try {
    const { payload } = await jwtVerify(header.slice(7), key, {
      algorithms: ['HS256'],
      issuer,
      audience,
    });
    if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string') return null;
    if ((await redis.get(`auth:session:${payload.sid}`)) === 'r') return null;
    return { userId: payload.sub };
  } catch {
    return null;
  }
}

interface UserRow {
  id: string;
  email: string;
  display_name: string;
  role: string;
  status: string;
  email_verified_at: Date | null;
  locale: string;
  time_zone: string;
  created_at: Date;
}

async function me(userId: string): Promise<[number, string]> {
  const { rows } = await pool.query<UserRow>({
    name: 'me',
    text: `SELECT id, email, display_name, role, status, email_verified_at, locale, time_zone, created_at
           FROM users WHERE id = $1 AND deleted_at IS NULL`,
    values: [userId],
  });
  const u = rows[0];
  if (!u) return [404, JSON.stringify({ status: 404, title: 'Not Found' })];
  return [
    200,
    JSON.stringify({
      id: u.id,
      email: u.email,
      displayName: u.display_name,
      role: u.role,
      status: u.status,
      emailVerified: u.email_verified_at !== null,
      locale: u.locale,
      timeZone: u.time_zone,
      createdAt: u.created_at.toISOString(),
      emailVerifiedAt: u.email_verified_at?.toISOString() ?? null,
    }),
  ];
}

interface NotificationRow {
  id: string;
  type: string;
  category: string;
  title: string;
  body: string;
  read_at: Date | null;
  created_at: Date;
  position: string;
}

/** First page (limit 20) of the inbox: the app's query, its JSON shape and its cursor. */
async function notifications(userId: string): Promise<[number, string]> {
  const limit = 20;
  const { rows } = await pool.query<NotificationRow>({
    name: 'notifications',
    text: `SELECT id, type, category, title, body, read_at, created_at,
             to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS position
           FROM notifications WHERE user_id = $1 AND inbox
           ORDER BY created_at DESC, id DESC LIMIT $2`,
    values: [userId, limit + 1],
  });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const data = page.map((n) => ({
    id: n.id,
    type: n.type,
    category: n.category,
    title: n.title,
    body: n.body,
    readAt: n.read_at ? n.read_at.toISOString() : null,
    createdAt: n.created_at.toISOString(),
  }));
  const nextCursor =
    rows.length > limit && last
      ? Buffer.from(`${last.position}|${last.id}`).toString('base64url')
      : null;
  return [200, JSON.stringify({ data, nextCursor })];
}

const routes: Record<string, (userId: string) => Promise<[number, string]>> = {
  '/users/me': me,
  '/notifications': notifications,
};

const server = createServer((req, res) => {
  const path = (req.url ?? '/').split('?')[0];
  if (path === '/health') return send(res, 200, '{"status":"ok"}');
  if (path.startsWith('/sync/')) {
    void (async () => {
      const who = await principal(req);
      if (!who) return send(res, 401, UNAUTHORIZED);
      const [status, body, headers] = await sync.handle(req, path, who.userId);
      send(res, status, body, headers);
    })().catch(() => send(res, 500, '{"status":500}'));
    return;
  }
  const handler = routes[path];
  if (!handler || req.method !== 'GET') return send(res, 404, '{"status":404}');
  void (async () => {
    const who = await principal(req);
    if (!who) return send(res, 401, UNAUTHORIZED);
    const [status, body] = await handler(who.userId);
    send(res, status, body);
  })().catch(() => send(res, 500, '{"status":500}'));
});

server.keepAliveTimeout = 65_000;
server.listen(Number(env('PORT')), '127.0.0.1');

const stop = () => {
  server.close();
  void Promise.allSettled([pool.end(), redis.quit()]).then(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
