import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chmodSync, chownSync, copyFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { DataSource } from 'typeorm';
import { prepareDatabase } from '../src/bootstrap/prepare-database.js';
import { loadConfigFromEnv } from '../src/config/index.js';
import { poolTimeouts } from '../src/database/database.module.js';
import { TimeoutSafeClient } from '../src/database/timeout-safe-client.js';
import { signUp } from './support/auth.js';
import { PgBouncer } from './support/pgbouncer.js';
import { PgCluster } from './support/pg-cluster.js';
import { SmtpInbox } from './support/smtp.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { makeCa, makeServerCert, type Ca } from './support/tls-certs.js';

/**
 * Managed PostgreSQL, as far as this machine allows: a private cluster with TLS on (a CA and a
 * server certificate for IP 127.0.0.1 made by openssl here) and Debian's PgBouncer in front of
 * it in transaction mode. The app boots with migrations over a direct verify-full connection and
 * runs (api and worker) through the pooler.
 */
const DB = 'managed';
const silent = pino({ level: 'silent' });
let cluster: PgCluster;
let bouncer: PgBouncer;
let ca: Ca;
let wrongCa: Ca;
let certDir: string;

const direct = (host: string, sslmode: string) =>
  `postgres://postgres:postgres@${host}:${cluster.port}/${DB}?sslmode=${sslmode}`;
const pooled = () => `${bouncer.url(DB)}?sslmode=disable`;

/** prepareDatabase as a process boot runs it, with this environment. */
const boot = (env: Record<string, string>) =>
  prepareDatabase(loadConfigFromEnv({ DB_MIGRATE_ON_BOOT: 'true', ...env }), silent);

beforeAll(async () => {
  const scratch = join(process.env.TEST_SCRATCH_DIR ?? '/tmp', `managed-pg-${process.pid}`);
  cluster = await PgCluster.start(join(scratch, 'pg'));
  certDir = join(scratch, 'certs');
  ca = await makeCa(certDir, 'test-ca');
  wrongCa = await makeCa(certDir, 'other-ca');
  const server = await makeServerCert(certDir, ca, 'pg-server', ['IP:127.0.0.1']);
  // PostgreSQL reads its key only when the server's user owns it and nobody else may read it.
  const owner = statSync(cluster.dataDir);
  for (const [from, to] of [
    [server.certFile, 'server.crt'],
    [server.keyFile, 'server.key'],
  ] as const) {
    copyFileSync(from, join(cluster.dataDir, to));
    chownSync(join(cluster.dataDir, to), owner.uid, owner.gid);
  }
  chmodSync(join(cluster.dataDir, 'server.key'), 0o600);
  await cluster.query('postgres', `ALTER SYSTEM SET ssl = on`);
  await cluster.query('postgres', `SELECT pg_reload_conf()`);
  await waitForSsl();
  bouncer = await PgBouncer.start(join(scratch, 'pgbouncer'), {
    server: { host: '127.0.0.1', port: cluster.port, user: 'postgres', password: 'postgres' },
    runAs: { uid: owner.uid, gid: owner.gid },
  });
}, 120_000);

afterAll(async () => {
  await bouncer?.stop();
  await cluster?.stop();
});

async function waitForSsl(): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const [row] = await cluster.query<{ ssl: string }>('postgres', 'SHOW ssl');
    if (row?.ssl === 'on') return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('ssl did not turn on');
}

describe('PostgreSQL over TLS (verify-full with a CA from config)', () => {
  it('boots: creates the database and migrates over verify-full, the CA given as PEM text', async () => {
    await boot({ DATABASE_URL: direct('127.0.0.1', 'verify-full'), DB_SSL_CA: ca.pem });
    const [row] = await cluster.query<{ n: number }>(
      DB,
      'SELECT count(*)::int AS n FROM migrations',
    );
    expect(row?.n).toBeGreaterThan(0);
  });

  it('the app pool talks TLS: pg_stat_ssl says so for its own connection', async () => {
    const t = await createTestApp({
      APP_ROLE: 'api',
      DATABASE_URL: direct('127.0.0.1', 'verify-full'),
      DB_SSL_CA_FILE: ca.certFile,
    });
    try {
      const [row] = await t.app
        .get(DataSource)
        .query('SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
      expect(row).toMatchObject({ ssl: true, version: expect.stringMatching(/^TLSv1\.[23]$/) });
      await signUp(t);
    } finally {
      await t.close();
    }
  }, 60_000);

  it('a wrong CA fails the boot with an error naming the cause and the settings to check', async () => {
    await expect(
      boot({ DATABASE_URL: direct('127.0.0.1', 'verify-full'), DB_SSL_CA: wrongCa.pem }),
    ).rejects.toThrow(
      /^PostgreSQL's TLS certificate was refused \((SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE)\b.*DB_SSL_CA \/ DB_SSL_CA_FILE/,
    );
  });

  it('verify-full checks the host name, verify-ca does not, require checks nothing', async () => {
    // The certificate names IP 127.0.0.1 only.
    await expect(
      boot({ DATABASE_URL: direct('localhost', 'verify-full'), DB_SSL_CA: ca.pem }),
    ).rejects.toThrow(/ERR_TLS_CERT_ALTNAME_INVALID.*name the host/);
    await boot({ DATABASE_URL: direct('localhost', 'verify-ca'), DB_SSL_CA: ca.pem });
    await boot({ DATABASE_URL: direct('127.0.0.1', 'require') });
    // Without a CA, verify-full trusts the system's CAs only, which never signed this one.
    await expect(boot({ DATABASE_URL: direct('127.0.0.1', 'verify-full') })).rejects.toThrow(
      /TLS certificate was refused.*the system's CAs/,
    );
  });
});

describe('through PgBouncer in transaction mode', () => {
  let t: TestApp;
  let inbox: SmtpInbox;

  beforeAll(async () => {
    // Behind a pooler the statement timeout is the server's setting, not the client's.
    await cluster.query('postgres', `ALTER DATABASE ${DB} SET statement_timeout = '1s'`);
    inbox = await SmtpInbox.start();
  });

  afterAll(async () => {
    await t?.close();
    await inbox?.stop();
  });

  it('without DB_POOLER the pool is refused: PgBouncer rejects the timeouts as startup parameters', async () => {
    // The app pool's client with the pool's options, as DB_POOLER=none builds them.
    const { timeouts } = loadConfigFromEnv({ DATABASE_URL: pooled() }).database;
    const client = new TimeoutSafeClient({ connectionString: pooled(), ...poolTimeouts(timeouts) });
    client.on('error', () => undefined);
    await expect(client.connect()).rejects.toThrow(
      /unsupported startup parameter: (statement_timeout|idle_in_transaction_session_timeout)/,
    );
    const bounced = new TimeoutSafeClient({
      connectionString: pooled(),
      ...poolTimeouts(timeouts, 'pgbouncer'),
    });
    await bounced.connect();
    await bounced.end();
  });

  it('boots with DB_POOLER=pgbouncer: migrations over DATABASE_MIGRATION_URL, the app pooled', async () => {
    await boot({
      DATABASE_URL: pooled(),
      DB_POOLER: 'pgbouncer',
      DATABASE_MIGRATION_URL: direct('127.0.0.1', 'verify-full'),
      DB_SSL_CA: ca.pem,
    });
    expect(() =>
      loadConfigFromEnv({
        DATABASE_URL: pooled(),
        DB_POOLER: 'pgbouncer',
        DB_MIGRATE_ON_BOOT: 'true',
      }),
    ).toThrow(/DATABASE_MIGRATION_URL: required with DB_POOLER=pgbouncer/);
  });

  it('serves sign-up, sign-in, a payment and its receipt mail (outbox relay and worker) pooled', async () => {
    t = await createTestApp({
      APP_ROLE: 'all',
      DATABASE_URL: pooled(),
      DB_POOLER: 'pgbouncer',
      SMTP_URL: inbox.url,
    });
    const user = await signUp(t);
    await t.asUser(user).get('/api/v1/users/me').expect(200);
    const created = await t
      .asUser(user)
      .post('/api/v1/payments')
      .set('Idempotency-Key', `pgbouncer-${user.userId}`)
      .send({ amount: 4200, currency: 'usd', description: 'Through the pooler' });
    expect(created.status).toBe(201);
    const confirmed = await t
      .asUser(user)
      .post(`/api/v1/payments/${created.body.id}/confirm`)
      .set('Idempotency-Key', `pgbouncer-confirm-${user.userId}`)
      .send({ paymentMethod: 'pm_card_visa' });
    expect(confirmed.body).toMatchObject({ status: 'succeeded' });
    const mail = await inbox.waitForMail(
      (m) => m.to.includes(user.email.toLowerCase()) && m.subject.startsWith('Payment received'),
      { what: 'the receipt mail, relayed and sent through the pooler', timeoutMs: 20_000 },
    );
    expect(mail.text).toContain(created.body.id);
    const [unsent] = await cluster.query<{ n: number }>(
      DB,
      'SELECT count(*)::int AS n FROM outbox_events WHERE sent_at IS NULL',
    );
    expect(unsent?.n).toBe(0);
  }, 60_000);

  it('serves sync writes and pulls pooled: the hot statements go unnamed behind PgBouncer', async () => {
    const user = await signUp(t);
    const doc = (key: string) => `/api/v1/sync/documents/notes/${key}`;
    // Concurrent, so that statements land on several of PgBouncer's server connections: a
    // statement prepared on one would be missing on the next.
    const puts = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        t
          .asUser(user)
          .put(doc(`n${i}`))
          .send({ value: i }),
      ),
    );
    expect(puts.map((res) => res.status)).toEqual(puts.map(() => 200));
    const pulls = await Promise.all(
      Array.from({ length: 10 }, () =>
        t.asUser(user).get('/api/v1/sync/changes').query({ limit: 5 }),
      ),
    );
    expect(pulls.map((res) => [res.status, res.body.changes?.length])).toEqual(
      pulls.map(() => [200, 5]),
    );
    const rest = await t
      .asUser(user)
      .get('/api/v1/sync/changes')
      .query({ since: pulls[0]?.body.cursor, limit: 100 })
      .expect(200);
    expect(rest.body.changes).toHaveLength(15);
  });

  it('the server-side statement timeout bounds a statement sent through the pooler', async () => {
    await expect(t.app.get(DataSource).query('SELECT pg_sleep(3)')).rejects.toMatchObject({
      code: '57014',
    });
    // The pool is still good afterwards.
    expect(await t.app.get(DataSource).query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });
});
