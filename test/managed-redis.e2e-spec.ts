import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { freePort } from '../src/common/free-port.js';
import { login, signUp } from './support/auth.js';
import { RedisChild } from './support/redis-servers.js';
import { notify, paymentData } from './support/notifications.js';
import { SmtpInbox } from './support/smtp.js';
import { SseClient } from './support/sse.js';
import { createTestApp } from './support/test-app.js';
import { waitFor } from './support/wait.js';
import { makeCa, makeServerCert, type Ca } from './support/tls-certs.js';

/**
 * Managed Redis, as far as Debian's redis-server 7.0 and redis-sentinel go: TLS with a CA made
 * here and an ACL user (the default user off), then a primary, a replica and three sentinels
 * where the primary is killed under load.
 */
const scratch = join(process.env.TEST_SCRATCH_DIR ?? '/tmp', `managed-redis-${process.pid}`);
const children: RedisChild[] = [];

afterAll(async () => {
  await Promise.all(children.map((c) => c.kill()));
});

const verificationMails = (inbox: SmtpInbox, email: string) =>
  inbox.mailsTo(email).filter((m) => m.text.includes('/verify-email?token='));

describe('Redis over TLS with an ACL user', () => {
  let ca: Ca;
  let tlsPort: number;

  beforeAll(async () => {
    const dir = join(scratch, 'tls');
    ca = await makeCa(dir, 'redis-ca');
    const server = await makeServerCert(dir, ca, 'redis-server', ['IP:127.0.0.1']);
    tlsPort = await freePort();
    children.push(
      await RedisChild.start(
        dir,
        [
          'port 0',
          `tls-port ${tlsPort}`,
          `tls-cert-file ${server.certFile}`,
          `tls-key-file ${server.keyFile}`,
          `tls-ca-cert-file ${ca.certFile}`,
          'tls-auth-clients no',
          'user default off',
          'user app on >app-password ~* &* +@all',
          'appendonly yes',
          "save ''",
          'maxmemory-policy noeviction',
        ],
        {
          port: tlsPort,
          probe: { tls: { ca: ca.pem }, username: 'app', password: 'app-password' },
        },
      ),
    );
  });

  it('refuses the default user: the ACL user is the only way in', async () => {
    const anonymous = new Redis({
      port: tlsPort,
      host: '127.0.0.1',
      tls: { ca: ca.pem },
      lazyConnect: true,
      enableReadyCheck: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    anonymous.on('error', () => undefined);
    await anonymous.connect().catch(() => undefined);
    await expect(anonymous.get('x')).rejects.toThrow(/NOAUTH|WRONGPASS/);
    anonymous.disconnect();
  });

  it('runs the app on rediss:// with the CA from config: sessions, rate limits, queued mail', async () => {
    const inbox = await SmtpInbox.start();
    const t = await createTestApp({
      APP_ROLE: 'all',
      REDIS_URL: `rediss://app:app-password@127.0.0.1:${tlsPort}`,
      REDIS_TLS_CA: ca.pem.replace(/\n/g, '\\n'),
      SMTP_URL: inbox.url,
    });
    try {
      const user = await signUp(t);
      await t.asUser(user).get('/api/v1/users/me').expect(200);
      await inbox.waitForMail((m) => m.to.includes(user.email.toLowerCase()), {
        what: 'the verification mail, queued in the TLS Redis',
      });
      const check = new Redis({
        port: tlsPort,
        host: '127.0.0.1',
        tls: { ca: ca.pem },
        username: 'app',
        password: 'app-password',
      });
      const keys = await check.keys(`${t.config.queue.prefix}:*`);
      check.disconnect();
      // Bull's queues and the app's own keys (session cache, rate limits) live there.
      expect(keys.some((k) => k.includes(':outbox:'))).toBe(true);
      expect(keys.length).toBeGreaterThan(3);
    } finally {
      await t.close();
      await inbox.stop();
    }
  }, 60_000);
});

describe('Redis Sentinel: the primary is killed under load', () => {
  let primary: RedisChild;
  let replica: RedisChild;
  const sentinels: RedisChild[] = [];

  beforeAll(async () => {
    const data = ['appendonly yes', 'appendfsync always', "save ''", 'maxmemory-policy noeviction'];
    primary = await RedisChild.start(join(scratch, 'primary'), data);
    replica = await RedisChild.start(join(scratch, 'replica'), [
      ...data,
      `replicaof 127.0.0.1 ${primary.port}`,
    ]);
    children.push(primary, replica);
    for (const n of [1, 2, 3]) {
      const sentinel = await RedisChild.start(
        join(scratch, `sentinel-${n}`),
        [
          `sentinel monitor mymaster 127.0.0.1 ${primary.port} 2`,
          'sentinel down-after-milliseconds mymaster 1000',
          'sentinel failover-timeout mymaster 5000',
          'sentinel parallel-syncs mymaster 1',
        ],
        { binary: 'redis-sentinel' },
      );
      sentinels.push(sentinel);
      children.push(sentinel);
    }
    await waitForReplication(primary.port);
  }, 60_000);

  it('Sentinel promotes the replica; the app reconnects; no acknowledged event is lost', async () => {
    const inbox = await SmtpInbox.start();
    // Slow mail: jobs are queued and running when the primary dies.
    inbox.delayMs = 1000;
    const t = await createTestApp({
      APP_ROLE: 'all',
      REDIS_URL: 'redis://mymaster',
      REDIS_SENTINELS: sentinels.map((s) => `127.0.0.1:${s.port}`).join(','),
      REDIS_SENTINEL_NAME: 'mymaster',
      REDIS_WAIT_REPLICAS: '1',
      SMTP_URL: inbox.url,
    });
    try {
      const before = await Promise.all(Array.from({ length: 15 }, () => signUp(t)));
      // A live notification stream (Redis pub/sub) open across the failover.
      await t.app.listen(0, '127.0.0.1');
      const base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
      const ticket = await t
        .asUser(before[0]!)
        .post('/api/v1/notifications/stream-ticket')
        .expect(201);
      const stream = await SseClient.open(
        `${base}/api/v1/notifications/stream?ticket=${ticket.body.ticket as string}`,
      );
      await stream.waitForEvent((e) => e.event === 'unread-count');
      const sentAtKill = inbox.mails.length;
      const killedAt = Date.now();
      await primary.kill();
      const promoted = await waitForPromotion(sentinels[0] as RedisChild, replica.port);
      const promotedMs = Date.now() - killedAt;
      expect(promoted).toBe(replica.port);
      // After the failover: the app serves sign-ins (rate limits, session cache) and queues mail.
      const after = await retryUntilOk(() =>
        Promise.all(Array.from({ length: 5 }, () => signUp(t))),
      );
      const servedMs = Date.now() - killedAt;
      await login(t, before[0]!.email, before[0]!.password);
      await t.asUser(after[0]!).get('/api/v1/users/me').expect(200);
      const seenBefore = stream.events.length;
      await retryUntilOk(() =>
        notify(t.app, {
          userId: before[0]!.userId,
          type: 'payments.succeeded',
          data: paymentData(),
          idempotencyKey: `payment:${randomUUID()}`,
        }),
      );
      await waitFor(() => stream.events.slice(seenBefore).find((e) => e.event === 'notification'), {
        what: 'a live event after the failover, on the stream opened before it',
      });
      expect(stream.ended).toBe(false);
      stream.close();
      const everyone = [...before, ...after];
      await waitFor(() => everyone.every((u) => verificationMails(inbox, u.email).length >= 1), {
        what: 'a verification mail for every user registered before and after',
        timeoutMs: 45_000,
      });
      const counts = everyone.map((u) => verificationMails(inbox, u.email).length);
      console.log(
        `sentinel failover: ${everyone.length} users (${before.length} before the kill), ` +
          `${sentAtKill} mails sent when the primary died, replica promoted after ${promotedMs} ms, ` +
          `5 sign-ups done ${servedMs} ms after the kill, mails per user ${counts.join(',')}`,
      );
      // Jobs were still queued or running when the primary died, and they went on.
      expect(sentAtKill).toBeLessThan(before.length);
      // With no replica left the relay goes on (warning once) instead of stalling the outbox.
      await waitFor(
        async () => {
          const [row] = await t.app.get(DataSource).query(
            `SELECT count(*)::int AS n FROM outbox_events
              WHERE sent_at IS NULL AND payload->>'userId' = ANY($1::text[])`,
            [everyone.map((u) => u.userId)],
          );
          return row.n === 0;
        },
        { what: 'every event of these users marked relayed', timeoutMs: 20_000 },
      );
      expect(counts.every((n) => n === 1)).toBe(true);
    } finally {
      await t.close();
      await inbox.stop();
    }
  }, 120_000);
});

async function waitForReplication(primaryPort: number): Promise<void> {
  const client = new Redis({ port: primaryPort, host: '127.0.0.1' });
  try {
    for (let i = 0; i < 200; i++) {
      const info = await client.info('replication');
      if (/connected_slaves:1/.test(info) && /state=online/.test(info)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('the replica did not sync');
  } finally {
    client.disconnect();
  }
}

async function waitForPromotion(sentinel: RedisChild, expectedPort: number): Promise<number> {
  const client = new Redis({ port: sentinel.port, host: '127.0.0.1' });
  try {
    for (let i = 0; i < 600; i++) {
      const addr = (await client.call('SENTINEL', 'get-master-addr-by-name', 'mymaster')) as
        [string, string] | null;
      if (addr && Number(addr[1]) === expectedPort) return expectedPort;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('Sentinel did not promote the replica within 30 s');
  } finally {
    client.disconnect();
  }
}

/** During the reconnection a request may be answered 503 (dependency unavailable): retried. */
async function retryUntilOk<T>(work: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      return await work();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
