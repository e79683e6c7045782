import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { DataSource } from 'typeorm';
import { fileObjectKey } from '../../src/files/index.js';
import { ObjectStorage } from '../../src/storage/object-storage.js';
import { login, signUp, type SignedUp } from '../support/auth.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { waitFor } from '../support/wait.js';
import {
  casesFor,
  DEEP,
  operationsOf,
  type Actor,
  type FuzzCase,
  type Operation,
} from './cases.js';
import { setAt, slotsOf, type Json } from './generators.js';
import { KNOWN, report } from './oracles.js';
import { Fuzzer, FUZZ_ONLY, FUZZ_RUNS, FUZZ_SEED, seedFor } from './runner.js';
import { fromOas31, SchemaBook, type OpenApiDocument } from './schema.js';

/**
 * The published OpenAPI document, walked operation by operation with generated requests
 * (fast-check, seeded: FUZZ_SEED; FUZZ_RUNS cases per operation): valid ones built from the
 * schemas, and mutations of them (wrong types, null, missing and extra fields, huge, empty and
 * unicode-edge strings, 1,500-level nesting, huge arrays, bad ids, cursors and headers), as the
 * operation's caller, as nobody and with forged credentials; then user B against user A's
 * resources, and ten concurrent writes on every idempotent or upserting route.
 *
 * Oracles: never a 5xx; every 4xx is problem+json without internals; a request the document
 * forbids is never accepted; B never reads or changes A's resources; every 2xx body matches the
 * document (objects are closed: a field it does not declare is a finding). All failures of a test
 * are collected and printed together, each with a curl line; those of issue #11's bugs being fixed
 * on other branches are marked KNOWN.
 */

const API = '/api/v1';
/** Routes outside the fuzz: the endless event stream with a real ticket, Prometheus text. */
const SKIP = new Set(['GET /metrics']);
/** Admin-only routes (`@Roles('admin')`): fuzzed as an admin so they get past the 403. */
const ADMIN_OPS = new Set([
  `GET ${API}/users`,
  `GET ${API}/users/{id}`,
  `PATCH ${API}/users/{id}`,
  `DELETE ${API}/users/{id}`,
  `GET ${API}/users/{id}/auth-events`,
  `POST ${API}/notifications/broadcast`,
  `GET ${API}/notifications/broadcasts/{id}`,
  `POST ${API}/payments/{id}/refunds`,
  `POST ${API}/admin/queue-dashboard/session`,
  `GET ${API}/users/{id}/sessions`,
  `DELETE ${API}/users/{id}/sessions`,
  `DELETE ${API}/users/{id}/sessions/{sessionId}`,
  `GET ${API}/notifications/deliveries`,
  `POST ${API}/notifications/deliveries/{id}/retry`,
  `GET ${API}/notifications/catalogue`,
  `GET ${API}/payments/{id}/history`,
  `GET ${API}/admin/overview`,
]);
/** Routes whose success ends the caller's session: a throwaway user signs in again after each. */
const SESSION_ENDING = new Set([`POST ${API}/auth/logout`, `POST ${API}/auth/logout-all`]);

const CHEAP_ARGON2 = { ARGON2_MEMORY_KIB: '1024', ARGON2_TIME_COST: '1' };

let t: TestApp;
let base: string;
let book: SchemaBook;
let ops: Operation[];
let a: SignedUp;
let b: SignedUp;
let admin: SignedUp;
let victim: SignedUp;
const owned: Record<string, string[]> = {};
let aSecondSession: string;

beforeAll(async () => {
  t = await createTestApp({
    ...CHEAP_ARGON2,
    LOG_LEVEL: 'silent',
    PAYMENTS_RECONCILE_EVERY_MS: '3600000',
  });
  await t.app.listen(0, '127.0.0.1');
  base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
  const doc = fromOas31((await (await fetch(`${base}/docs-json`)).json()) as OpenApiDocument);
  book = new SchemaBook(doc);
  ops = operationsOf(doc).filter(
    (op) => !SKIP.has(op.key) && (!FUZZ_ONLY || op.key.includes(FUZZ_ONLY)),
  );
  [a, b, admin, victim] = await Promise.all([
    signUp(t),
    signUp(t),
    signUp(t, { role: 'admin' }),
    signUp(t),
  ]);
  await resourcesOfA();
}, 60_000);

afterAll(async () => {
  // The next test file of this jest worker shares the database and queue prefix: leave it no
  // half-done broadcast to thousands of users and no unrelayed event.
  const db = t?.app.get(DataSource);
  await waitFor(
    async () => {
      const [{ open }] = (await db.query(
        `SELECT (SELECT count(*) FROM notification_broadcasts WHERE status <> 'completed')
              + (SELECT count(*) FROM outbox_events WHERE sent_at IS NULL) AS open`,
      )) as Array<{ open: string }>;
      return open === '0';
    },
    { timeoutMs: 20_000, what: 'broadcasts and outbox drained' },
  ).catch(() => undefined);
  await t?.close();
}, 30_000);

async function api(
  token: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const res = await fetch(base + API + path, {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      ...headers,
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
  };
}

async function createPayment(user: SignedUp, amount = 1999) {
  const res = await api(
    user.accessToken,
    'POST',
    '/payments',
    { amount, currency: 'usd' },
    { 'Idempotency-Key': randomUUID() },
  );
  if (res.status !== 201)
    throw new Error(`create payment: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}

/** A's payments (fresh, paid, cancelled), device, notification and second session. */
async function resourcesOfA() {
  const [fresh, paid, cancelled, toCancel] = [
    await createPayment(a),
    await createPayment(a),
    await createPayment(a),
    await createPayment(a),
  ];
  await api(
    a.accessToken,
    'POST',
    `/payments/${paid}/confirm`,
    { paymentMethod: 'pm_card_visa' },
    { 'Idempotency-Key': randomUUID() },
  );
  await api(a.accessToken, 'POST', `/payments/${cancelled}/cancel`, undefined, {
    'Idempotency-Key': randomUUID(),
  });
  const device = await api(a.accessToken, 'POST', '/notifications/devices', {
    token: `fcm-${randomUUID()}`,
    platform: 'ios',
  });
  const notification = await waitFor(
    async () =>
      ((await api(a.accessToken, 'GET', '/notifications')).body.data as Array<{ id: string }>)[0],
    { what: "A's first notification" },
  );
  const second = await login(t, a.email, a.password, 'second device');
  const sessions = await api(second.accessToken, 'GET', '/auth/sessions');
  aSecondSession = (sessions.body.data as Array<{ id: string; current: boolean }>).find(
    (s) => s.current,
  )!.id;
  const broadcast = await api(admin.accessToken, 'POST', '/notifications/broadcast', {
    title: 'Fuzz',
    body: 'Hello',
    role: 'admin',
  });
  owned[`${API}/payments/{id}`] = [fresh, paid, cancelled];
  owned[`${API}/payments/{id}/confirm`] = [fresh, paid, cancelled];
  owned[`${API}/payments/{id}/cancel`] = [toCancel, cancelled];
  owned[`${API}/payments/{id}/refunds`] = [paid];
  owned[`${API}/notifications/{id}/read`] = [notification.id];
  owned[`${API}/notifications/devices/{id}`] = [device.body.id as string];
  owned[`${API}/auth/sessions/{id}`] = [aSecondSession];
  owned[`${API}/users/{id}`] = [victim.userId];
  owned[`${API}/users/{id}/auth-events`] = [victim.userId, a.userId];
  owned[`${API}/notifications/broadcasts/{id}`] = [broadcast.body.id as string];
  // Its own user: the victim is deleted by DELETE /users/{id}, and A must keep its sessions.
  owned[`${API}/users/{id}/sessions`] = [(await signUp(t)).userId];
  owned[`${API}/payments/{id}/history`] = [paid, fresh];
  const file = await readyFileOf(a);
  owned[`${API}/files/{id}`] = [file];
  owned[`${API}/files/{id}/complete`] = [file];
  owned[`${API}/files/{id}/content`] = [file];
}

/** A ready attachment of `user`: its bytes written straight to storage, then completed. */
async function readyFileOf(user: SignedUp): Promise<string> {
  const bytes = Buffer.from('plain text for the fuzz\n');
  const created = await api(user.accessToken, 'POST', '/files', {
    purpose: 'attachment',
    filename: 'fuzz.txt',
    contentType: 'text/plain',
    size: bytes.length,
  });
  if (created.status !== 201) throw new Error(`create file: ${created.status}`);
  const id = created.body.id as string;
  await t.app.get(ObjectStorage).write(fileObjectKey(user.userId, id), bytes, 'text/plain');
  const completed = await api(user.accessToken, 'POST', `/files/${id}/complete`);
  if (completed.body.status !== 'ready') throw new Error(`complete file: ${completed.status}`);
  return id;
}

const fixtures = {
  pathIds: (template: string) => owned[template] ?? [],
  hints: {},
};

/** Signs a throwaway user in again when its session may have ended; one user per route. */
class SessionEnder {
  private token: string | undefined;
  private readonly user: Promise<SignedUp> = signUp(t);
  async fresh(): Promise<string> {
    const user = await this.user;
    this.token ??= (await login(t, user.email, user.password)).accessToken;
    return this.token;
  }
  spent(): void {
    this.token = undefined;
  }
}

function tokenFor(op: Operation): string | undefined {
  if (!op.secured) return undefined;
  return ADMIN_OPS.has(op.key) ? admin.accessToken : a.accessToken;
}

function findingsText(fuzzer: Fuzzer): string {
  const text = report(fuzzer.findings, FUZZ_SEED, FUZZ_RUNS);
  if (process.env.FUZZ_REPORT) appendFileSync(process.env.FUZZ_REPORT, `${text}\n\n`);
  return text;
}

/**
 * Operations whose 2xx needs something a generated request cannot guess (a password, a mailed
 * token, a code, a signature, a live resource of the caller's); every other operation must be
 * reached past its guards and validation at least once.
 */
const NEEDS_A_SECRET: Record<string, string> = {
  'DELETE /api/v1/users/{id}/sessions/{sessionId}': 'a live session id of that user',
  'POST /api/v1/notifications/deliveries/{id}/retry': 'a delivery that failed',
  'DELETE /api/v1/users/me': 'the current password',
  'POST /api/v1/auth/login': 'a real password',
  'POST /api/v1/auth/refresh': 'a refresh token',
  'POST /api/v1/auth/email/verify': 'a mailed token',
  'POST /api/v1/auth/password/reset': 'a mailed token',
  'POST /api/v1/auth/password/change': 'the current password',
  'POST /api/v1/auth/passkeys/registration': 'an authenticator signature',
  'POST /api/v1/auth/passkeys/authentication': 'an authenticator signature',
  'DELETE /api/v1/auth/passkeys/{id}': 'a registered passkey',
  'DELETE /api/v1/auth/mfa/totp': 'a TOTP code',
  'POST /api/v1/auth/mfa/totp/verify': 'a TOTP code',
  'POST /api/v1/auth/mfa/recovery-codes': 'MFA turned on',
  'POST /api/v1/auth/mfa/challenge': 'an mfa token and a code',
  'POST /api/v1/auth/mfa/step-up': 'a TOTP code',
  'POST /api/v1/auth/oidc/{provider}/token': 'an id token from a configured provider',
  'GET /api/v1/auth/oidc/{provider}/authorize': 'a configured provider',
  'GET /api/v1/auth/oidc/{provider}/callback': 'a state from authorize',
  'POST /api/v1/auth/oidc/{provider}/callback': 'a state from authorize',
  'POST /api/v1/auth/oidc/exchange': 'a one-time code from the callback',
  'POST /api/v1/auth/oidc/{provider}/link': 'an id token from a configured provider',
  'DELETE /api/v1/auth/identities/{id}': 'a linked identity',
  'GET /api/v1/notifications/stream': 'a stream ticket',
  'POST /api/v1/payments/{id}/confirm': 'a payment in a confirmable state',
  'POST /api/v1/payments/webhooks/{provider}': 'a provider signature',
  'PUT /api/v1/storage/local/{token}': 'a signed upload URL',
  'GET /api/v1/storage/local/{token}': 'a signed download URL',
  // Its success is a 302 to the signed URL, which the count of 2xx does not see.
  'GET /api/v1/files/{id}/content': 'nothing: answers 302',
};

describe('API fuzz (FUZZ_SEED, FUZZ_RUNS)', () => {
  it('user B never reads or changes user A’s resources (404), and A’s are as they were', async () => {
    const fuzzer = new Fuzzer(base, book);
    const before = await snapshotOfA();
    for (const op of ops.filter(
      (o) => o.secured && owned[o.template] && !o.template.startsWith(`${API}/users`),
    )) {
      // Valid requests only (a 400 would hide whether the id is reachable), aimed at A's ids.
      const cases = fc
        .sample(casesFor(book, op, fixtures), { seed: seedFor(`B ${op.key}`), numRuns: 40 })
        .filter((c) => c.kind === 'valid')
        .slice(0, 4);
      for (const id of owned[op.template] ?? []) {
        for (const c of cases) {
          const probe: FuzzCase = {
            ...c,
            url: op.template.replace('{id}', id),
            kind: 'other-users-id',
          };
          const answer = await fuzzer.check(probe, b.accessToken, '(B on A’s resource)');
          const allowed = ADMIN_OPS.has(op.key) ? [403, 404] : [404];
          if (answer && !allowed.includes(answer.status)) {
            fuzzer.record(
              probe,
              b.accessToken,
              '(B on A’s resource)',
              {
                oracle: 'other-user-404',
                message: `B got ${answer.status}, not ${allowed.join(' or ')}`,
              },
              answer,
            );
          }
        }
      }
    }
    // Lists: nothing of A's in B's view; A's user record and its audit: not B's to see.
    const views: Array<[string, string[], number]> = [
      ['/payments', owned[`${API}/payments/{id}`] ?? [], 200],
      [`/payments?userId=${a.userId}`, owned[`${API}/payments/{id}`] ?? [], 403],
      ['/notifications', owned[`${API}/notifications/{id}/read`] ?? [], 200],
      ['/auth/sessions', [aSecondSession], 200],
      ['/files', owned[`${API}/files/{id}`] ?? [], 200],
      [`/users/${a.userId}`, [a.userId], 403],
      [`/users/${a.userId}/auth-events`, [a.userId], 403],
    ];
    for (const [path, ids, status] of views) {
      const res = await api(b.accessToken, 'GET', path);
      // A problem names the path it answers (`instance`): only a 2xx body can leak.
      const text = res.status < 300 ? JSON.stringify(res.body) : '';
      const leaked = ids.filter((id) => text.includes(id));
      expect({ path, status: res.status, leaked }).toEqual({ path, status, leaked: [] });
    }
    console.log(`fuzz: ${fuzzer.sent} requests of B at A's resources`);
    expect(await snapshotOfA()).toEqual(before);
    expect(findingsText(fuzzer)).toBe('no findings');
  });

  it('walks every operation with generated requests: no oracle fails', async () => {
    const fuzzer = new Fuzzer(base, book);
    const started = Date.now();
    const enders = new Map<string, SessionEnder>();
    for (const op of orderForFuzz(ops)) {
      const runs = SESSION_ENDING.has(op.key) ? Math.min(FUZZ_RUNS, 10) : FUZZ_RUNS;
      const cases = [
        ...fc.sample(casesFor(book, op, fixtures), { seed: seedFor(op.key), numRuns: runs }),
        ...fixedCases(op),
      ];
      for (const c of cases) {
        if (SESSION_ENDING.has(op.key)) {
          const ender = enders.get(op.key) ?? new SessionEnder();
          enders.set(op.key, ender);
          const answer = await fuzzer.check(c, await ender.fresh(), `(case ${c.kind})`);
          if (!answer || answer.status < 300 || answer.status === 401) ender.spent();
          continue;
        }
        await fuzzer.check(c, tokenFor(op));
      }
    }
    console.log(
      `fuzz: ${fuzzer.sent} requests over ${ops.length} operations in ${((Date.now() - started) / 1000).toFixed(1)} s ` +
        `(FUZZ_SEED=${FUZZ_SEED} FUZZ_RUNS=${FUZZ_RUNS}); ${fuzzer.findings.length} oracle failures`,
    );
    const slowest = [...fuzzer.spent].sort(([, x], [, y]) => y - x).slice(0, 6);
    console.log(
      `fuzz: slowest operations (ms): ${slowest.map(([k, ms]) => `${k} ${ms}`).join(', ')}`,
    );
    const text = findingsText(fuzzer);
    // The generated requests reach the routes' logic, not only their guards and validation.
    const unreached = ops.filter(
      (op) => ![...(fuzzer.statuses.get(op.key) ?? [])].some((x) => x < 300),
    );
    console.log(
      `fuzz: never a 2xx (need secrets the suite does not forge): ${unreached.map((op) => `${op.key} (${[...(fuzzer.statuses.get(op.key) ?? [])].join(' ')})`).join(', ')}`,
    );
    expect(unreached.map((op) => op.key).filter((key) => !(key in NEEDS_A_SECRET))).toEqual([]);
    expect(text).toBe('no findings');
  }, 240_000);

  it('ten concurrent writes on every idempotent or upserting route: no 5xx, the final state is one of the writes', async () => {
    const fuzzer = new Fuzzer(base, book);
    const [c, d] = await Promise.all([signUp(t), signUp(t)]);
    // Two "payment received" notifications for D, arriving while the other bursts run.
    for (const id of [await createPayment(d), await createPayment(d)]) {
      await api(
        d.accessToken,
        'POST',
        `/payments/${id}/confirm`,
        { paymentMethod: 'pm_card_visa' },
        { 'Idempotency-Key': randomUUID() },
      );
    }
    const burst = async (
      key: string,
      make: (i: number) => { path: string; body?: Json; headers?: Record<string, string> },
      known?: string,
      token = c.accessToken,
    ) => {
      const op =
        ops.find((o) => o.key === key) ??
        operationsOf({ paths: {}, components: { schemas: {} } })[0]!;
      const cases = Array.from({ length: 10 }, (_, i) => {
        const r = make(i);
        const fc0: FuzzCase = {
          op,
          kind: 'concurrent',
          actor: 'caller' as Actor,
          url: API + r.path,
          headers: {
            ...(r.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
            ...r.headers,
          },
          ...(r.body !== undefined ? { body: JSON.stringify(r.body) } : {}),
          specInvalid: false,
        };
        return fc0;
      });
      const keys = new Set(cases.map((x) => x.headers['Idempotency-Key'] ?? ''));
      const sameKey = keys.size === 1 && !keys.has('');
      const answers = await Promise.all(cases.map((x) => fuzzer.send(x, token).catch(() => null)));
      answers.forEach((ans, i) => {
        const x = cases[i]!;
        if (!ans)
          return fuzzer.record(
            x,
            token,
            '(10 at once)',
            { oracle: 'answers', message: 'no answer' },
            null,
          );
        if (ans.status >= 500) {
          fuzzer.record(
            x,
            token,
            '(10 at once)',
            { oracle: 'no-5xx', message: `answered ${ans.status}`, ...(known ? { known } : {}) },
            ans,
          );
        } else if (ans.status === 409 && sameKey && !ans.headers.get('retry-after')) {
          // One operation under one key still running: the client must be told when to retry.
          // (Different keys may meet a state conflict instead, e.g. cancelling a cancelled payment.)
          fuzzer.record(
            x,
            token,
            '(10 at once)',
            { oracle: 'concurrent-409-retry-after', message: '409 without Retry-After' },
            ans,
          );
        } else if (ans.status >= 300 && ans.status !== 409) {
          fuzzer.record(
            x,
            token,
            '(10 at once)',
            { oracle: 'concurrent-accepted', message: `a valid write answered ${ans.status}` },
            ans,
          );
        }
      });
      return answers.map((ans) =>
        ans && ans.status < 300 && ans.text
          ? (JSON.parse(ans.text) as Record<string, unknown>)
          : null,
      );
    };
    const oneOf = (what: string, final: unknown, candidates: unknown[]) =>
      expect({
        what,
        final,
        isOneOfTheWrites: candidates.some((w) => JSON.stringify(w) === JSON.stringify(final)),
      }).toEqual({
        what,
        final,
        isOneOfTheWrites: true,
      });

    // First PUT of a user (no row yet), then again on the existing row.
    for (const round of ['first', 'second']) {
      const bodies = Array.from({ length: 10 }, (_, i) => ({
        channels: {
          marketing: { email: i % 2 === 0, push: i % 3 === 0 },
          payments: { inApp: i % 2 === 1 },
        },
        quietHours: i % 4 === 0 ? null : { start: `2${i % 4}:00`, end: '07:00' },
      }));
      const answers = await burst(
        `PUT ${API}/notifications/preferences`,
        (i) => ({ path: '/notifications/preferences', body: bodies[i]! }),
        KNOWN.preferencesRace,
      );
      const final = (await api(c.accessToken, 'GET', '/notifications/preferences')).body;
      oneOf(`preferences (${round} write)`, final, answers.filter(Boolean));
    }

    const names = Array.from({ length: 10 }, (_, i) => ({
      displayName: `Writer ${i}`,
      locale: i % 2 ? 'de-AT' : 'fr',
      timeZone: i % 2 ? 'Europe/Berlin' : 'UTC',
    }));
    await burst(`PATCH ${API}/users/me`, (i) => ({ path: '/users/me', body: names[i]! }));
    const me = (await api(c.accessToken, 'GET', '/users/me')).body;
    oneOf(
      'users/me',
      { displayName: me.displayName, locale: me.locale, timeZone: me.timeZone },
      names,
    );

    const device = `fcm-${randomUUID()}`;
    const devices = await burst(`POST ${API}/notifications/devices`, () => ({
      path: '/notifications/devices',
      body: { token: device, platform: 'android' },
    }));
    expect(new Set(devices.filter(Boolean).map((d) => d!.id)).size).toBe(1);

    const paymentKey = randomUUID();
    const created = await burst(`POST ${API}/payments`, () => ({
      path: '/payments',
      body: { amount: 4200, currency: 'eur' },
      headers: { 'Idempotency-Key': paymentKey },
    }));
    const list = (await api(c.accessToken, 'GET', '/payments')).body.data as Array<{ id: string }>;
    expect({
      payments: list.length,
      ids: new Set(created.filter(Boolean).map((p) => p!.id)).size,
    }).toEqual({ payments: 1, ids: 1 });
    const paymentId = list[0]!.id;

    const confirmKey = randomUUID();
    await burst(`POST ${API}/payments/{id}/confirm`, () => ({
      path: `/payments/${paymentId}/confirm`,
      body: { paymentMethod: 'pm_card_visa' },
      headers: { 'Idempotency-Key': confirmKey },
    }));
    expect((await api(c.accessToken, 'GET', `/payments/${paymentId}`)).body.status).toBe(
      'succeeded',
    );

    const toCancel = await createPayment(c);
    const cancelKey = randomUUID();
    await burst(`POST ${API}/payments/{id}/cancel`, () => ({
      path: `/payments/${toCancel}/cancel`,
      headers: { 'Idempotency-Key': cancelKey },
    }));
    const toCancel2 = await createPayment(c);
    await burst(
      `POST ${API}/payments/{id}/cancel`,
      () => ({
        path: `/payments/${toCancel2}/cancel`,
        headers: { 'Idempotency-Key': randomUUID() },
      }),
      KNOWN.cancelRace,
    );
    for (const id of [toCancel, toCancel2])
      expect((await api(c.accessToken, 'GET', `/payments/${id}`)).body.status).toBe('canceled');

    const refundKey = randomUUID();
    await burst(
      `POST ${API}/payments/{id}/refunds`,
      () => ({
        path: `/payments/${paymentId}/refunds`,
        body: { amount: 100 },
        headers: { 'Idempotency-Key': refundKey },
      }),
      undefined,
      admin.accessToken,
    );
    expect((await api(c.accessToken, 'GET', `/payments/${paymentId}`)).body.amountRefunded).toBe(
      100,
    );

    // D keeps the default preferences (C's bursts may have turned in-app payments off).
    const inbox = await waitFor(
      async () => {
        const data = (await api(d.accessToken, 'GET', '/notifications?unread=true')).body
          .data as Array<{ id: string }>;
        return data.length >= 2 ? data : null;
      },
      { what: 'two unread notifications of D', timeoutMs: 20_000 },
    );
    const reads = await burst(
      `POST ${API}/notifications/{id}/read`,
      () => ({ path: `/notifications/${inbox[0]!.id}/read` }),
      undefined,
      d.accessToken,
    );
    const readAts = new Set(reads.filter(Boolean).map((n) => n!.readAt));
    expect(readAts.size).toBe(1);
    const marked = await burst(
      `POST ${API}/notifications/read-all`,
      () => ({ path: '/notifications/read-all' }),
      undefined,
      d.accessToken,
    );
    const unread = (await api(d.accessToken, 'GET', '/notifications/unread-count')).body.count;
    expect({
      unread,
      markedOnce: marked.reduce((sum, m) => sum + Number(m?.marked ?? 0), 0) >= inbox.length - 1,
    }).toEqual({ unread: 0, markedOnce: true });

    console.log(`fuzz: ${fuzzer.sent} concurrent writes`);
    expect(findingsText(fuzzer)).toBe('no findings');
  }, 60_000);
});

/** A's resources as A sees them, to compare before and after B's probes. */
async function snapshotOfA() {
  const payments = await Promise.all(
    (owned[`${API}/payments/{id}`] ?? []).map(
      async (id) => (await api(a.accessToken, 'GET', `/payments/${id}`)).body,
    ),
  );
  const unread = (
    (await api(a.accessToken, 'GET', '/notifications?unread=true')).body.data as Array<{
      id: string;
    }>
  ).map((n) => n.id);
  const sessions = (
    (await api(a.accessToken, 'GET', '/auth/sessions')).body.data as Array<{ id: string }>
  )
    .map((s) => s.id)
    .sort();
  const files = await Promise.all(
    (owned[`${API}/files/{id}`] ?? []).map(
      async (id) => (await api(a.accessToken, 'GET', `/files/${id}`)).body,
    ),
  );
  return { payments, unread, sessions, files };
}

/** Session-ending routes last but one, then the routes that delete A's own resources. */
function orderForFuzz(list: Operation[]): Operation[] {
  const rank = (op: Operation) => (op.method === 'DELETE' ? 2 : SESSION_ENDING.has(op.key) ? 1 : 0);
  return [...list].sort((x, y) => rank(x) - rank(y));
}

/**
 * Requests every operation gets whatever the seed: what the old hand-listed sweep sent (bad ids,
 * an unknown field, broken JSON, `?limit=-1&cursor=%00`), a null in each field and 1,500-level
 * nesting in a known and an unknown field.
 */
function fixedCases(op: Operation): FuzzCase[] {
  const [valid] = fc.sample(
    casesFor(book, op, fixtures).filter((c) => c.kind === 'valid'),
    { seed: seedFor(`fixed ${op.key}`), numRuns: 1 },
  );
  if (!valid) return [];
  const out: FuzzCase[] = [];
  const withPath = (id: string) => op.template.replace(/\{[^}]+\}/g, id);
  for (const id of ['not-an-id', randomUUIDFrom(op.key)]) {
    const url = `${withPath(id)}?limit=-1&cursor=%00`;
    const invalidId = (op.spec.parameters ?? []).some((p) => p.in === 'path' && p.schema.enum);
    out.push({
      ...valid,
      url,
      kind: 'sweep-bad-id',
      specInvalid: invalidId || op.spec.parameters?.some((p) => p.name === 'limit') === true,
    });
    if (op.body) {
      out.push({
        ...valid,
        url,
        kind: 'sweep-unknown-field',
        body: '{"unexpected":1}',
        headers: { ...valid.headers, 'Content-Type': 'application/json' },
        specInvalid: true,
      });
      out.push({
        ...valid,
        url,
        kind: 'sweep-broken-json',
        body: '{"broken":',
        headers: { ...valid.headers, 'Content-Type': 'application/json' },
        specInvalid: true,
      });
    }
  }
  if (op.secured) out.push({ ...valid, actor: 'none', kind: 'no-user', specInvalid: true });
  if (!op.body || valid.body === undefined) return out;
  const body = JSON.parse(valid.body) as Json;
  // Another media type than the document's only one, and keys class-transformer skips.
  const form = new URLSearchParams(
    Object.entries(body ?? {}).map(([k, v]): [string, string] => [k, String(v)]),
  ).toString();
  for (const [type, text] of [
    ['text/plain', valid.body],
    ['application/x-www-form-urlencoded', form],
  ]) {
    out.push({
      ...valid,
      kind: `content-type ${type}`,
      headers: { ...valid.headers, 'Content-Type': type! },
      body: text || 'a=1',
      specInvalid: true,
    });
  }
  for (const key of ['__proto__', 'constructor']) {
    const text = valid.body.replace(/^\{/, `{"${key}":{"role":"admin"},`).replace(',}', '}');
    out.push({ ...valid, kind: 'extra-field', body: text, specInvalid: true });
  }
  const deep = `${'['.repeat(DEEP)}${']'.repeat(DEEP)}`;
  const nest = (path: string[]) =>
    JSON.stringify(setAt(body, path, '__deep__')).replace('"__deep__"', deep);
  out.push({
    ...valid,
    kind: 'deep-nesting-unknown-field',
    body: nest(['fuzzDeep']),
    specInvalid: true,
  });
  // Whether 1,500 levels overflow the stack depends on how warm the JIT is; 10,000 always did.
  const deeper = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
  out.push({
    ...valid,
    kind: 'deep-nesting-unknown-field',
    body: JSON.stringify(setAt(body, ['fuzzDeep'], '__deep__')).replace('"__deep__"', deeper),
    specInvalid: true,
  });
  for (const slot of slotsOf(book, op.body, body).filter((s) => s.path.length > 0)) {
    const nulled = setAt(body, slot.path, null);
    out.push({
      ...valid,
      kind: slot.present ? 'null' : 'null-in-optional-field',
      body: JSON.stringify(nulled),
      specInvalid: book.validate(op.body, nulled).length > 0,
    });
    out.push({ ...valid, kind: 'deep-nesting', body: nest(slot.path), specInvalid: true });
    if (slot.schema.type === 'object' || slot.schema.properties) {
      // An array where an object belongs: what a nested DTO without @IsObject() let through.
      out.push({
        ...valid,
        kind: 'wrong-type',
        body: JSON.stringify(setAt(body, slot.path, [])),
        specInvalid: true,
      });
    }
  }
  return out;
}

/** A UUID fixed by the seed and the route, so a rerun sends the same one. */
function randomUUIDFrom(key: string): string {
  const [id] = fc.sample(fc.uuid({ version: 4 }), { seed: seedFor(`uuid ${key}`), numRuns: 1 });
  return id ?? randomUUID();
}
