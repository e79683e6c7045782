import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { getQueueToken } from '@nestjs/bull';
import type { INestApplicationContext } from '@nestjs/common';
import type { Queue } from 'bull';
import { DataSource } from 'typeorm';
import { ManualClock } from '../src/common/clock.js';
import { AccountErasure } from '../src/files/worker/account-erasure.js';
import { PendingSweep } from '../src/files/worker/pending-sweep.js';
import { QUEUES } from '../src/queue/queues.js';
import { ObjectStorage } from '../src/storage/object-storage.js';
import { signUp, type SignedUp } from './support/auth.js';
import { png, pathOf, uploadAndComplete, uploadOnly } from './support/file-uploads.js';
import { createTestApp, createTestWorker, type TestApp } from './support/test-app.js';
import { waitFor } from './support/wait.js';

const HOUR = 3_600_000;

async function readyAvatar(t: TestApp, user: SignedUp): Promise<string> {
  const { id } = await uploadAndComplete(t, user, {
    purpose: 'avatar',
    contentType: 'image/png',
    bytes: await png(128, 128),
  });
  await waitFor(
    async () =>
      (await t.asUser(user).get(`/api/v1/files/${id}`).expect(200)).body.status === 'ready',
    { what: 'avatar ready' },
  );
  return id;
}

const fileRowExists = async (app: INestApplicationContext, id: string): Promise<boolean> =>
  (await app.get(DataSource).query(`SELECT 1 FROM files WHERE id = $1`, [id])).length > 0;

describe('files: avatars', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('shows a ready avatar of mine as avatarUrl, a signed URL of its WebP square', async () => {
    const user = await signUp(t);
    const me = await t.asUser(user).get('/api/v1/users/me').expect(200);
    expect(me.body.avatarUrl).toBeNull();
    const fileId = await readyAvatar(t, user);
    const set = await t.asUser(user).put('/api/v1/users/me/avatar').send({ fileId }).expect(200);
    expect(set.body.avatarUrl).toEqual(expect.any(String));
    const after = await t.asUser(user).get('/api/v1/users/me').expect(200);
    const image = await t.http.get(pathOf(after.body.avatarUrl as string)).expect(200);
    expect(image.headers['content-type']).toBe('image/webp');
    expect(image.headers['x-content-type-options']).toBe('nosniff');
  });

  it('admin views carry the avatarUrl too', async () => {
    const user = await signUp(t);
    const admin = await signUp(t, { role: 'admin' });
    await t
      .asUser(user)
      .put('/api/v1/users/me/avatar')
      .send({ fileId: await readyAvatar(t, user) })
      .expect(200);
    const one = await t.asUser(admin).get(`/api/v1/users/${user.userId}`).expect(200);
    expect(one.body.avatarUrl).toEqual(expect.any(String));
    const list = await t.asUser(admin).get('/api/v1/users').query({ email: user.email });
    expect(list.body.data[0].avatarUrl).toEqual(expect.any(String));
    const patched = await t
      .asUser(admin)
      .patch(`/api/v1/users/${user.userId}`)
      .send({ role: 'user' })
      .expect(200);
    expect(patched.body.avatarUrl).toEqual(expect.any(String));
  });

  it('sign-in and refresh responses carry the user’s avatarUrl', async () => {
    const user = await signUp(t);
    const fileId = await readyAvatar(t, user);
    await t.asUser(user).put('/api/v1/users/me/avatar').send({ fileId }).expect(200);
    const login = await t.http
      .post('/api/v1/auth/login')
      .send({ email: user.email, password: user.password })
      .expect(200);
    expect(login.body.user.avatarUrl).toEqual(expect.any(String));
    const refreshed = await t.http
      .post('/api/v1/auth/refresh')
      .send({ refreshToken: login.body.refreshToken })
      .expect(200);
    expect(refreshed.body.user.avatarUrl).toEqual(expect.any(String));
    const image = await t.http.get(pathOf(refreshed.body.user.avatarUrl as string)).expect(200);
    expect(image.headers['content-type']).toBe('image/webp');
  });

  it('refuses another user’s file (404), an attachment or an unfinished upload (409)', async () => {
    const ann = await signUp(t);
    const bob = await signUp(t);
    const annsAvatar = await readyAvatar(t, ann);
    const notFound = await t
      .asUser(bob)
      .put('/api/v1/users/me/avatar')
      .send({ fileId: annsAvatar })
      .expect(404);
    expect(notFound.body.type).toBe('urn:problem:file-not-found');
    const attachment = await uploadOnly(t, bob, {
      purpose: 'attachment',
      contentType: 'image/png',
      bytes: await png(10, 10),
    });
    const notAvatar = await t
      .asUser(bob)
      .put('/api/v1/users/me/avatar')
      .send({ fileId: attachment })
      .expect(409);
    expect(notAvatar.body.type).toBe('urn:problem:file-not-an-avatar');
    const pending = await uploadOnly(t, bob, {
      purpose: 'avatar',
      contentType: 'image/png',
      bytes: await png(10, 10),
    });
    const notReady = await t
      .asUser(bob)
      .put('/api/v1/users/me/avatar')
      .send({ fileId: pending })
      .expect(409);
    expect(notReady.body.type).toBe('urn:problem:file-not-ready');
    await t.asUser(bob).put('/api/v1/users/me/avatar').send({ fileId: 'nope' }).expect(400);
    await t.asUser(bob).put('/api/v1/users/me/avatar').send({}).expect(400);
  });

  it('clears avatarUrl when the avatar file is deleted, or on DELETE /users/me/avatar', async () => {
    const user = await signUp(t);
    const first = await readyAvatar(t, user);
    await t.asUser(user).put('/api/v1/users/me/avatar').send({ fileId: first }).expect(200);
    await t.asUser(user).delete(`/api/v1/files/${first}`).expect(204);
    expect((await t.asUser(user).get('/api/v1/users/me').expect(200)).body.avatarUrl).toBeNull();

    const second = await readyAvatar(t, user);
    await t.asUser(user).put('/api/v1/users/me/avatar').send({ fileId: second }).expect(200);
    await t.asUser(user).delete('/api/v1/users/me/avatar').expect(204);
    expect((await t.asUser(user).get('/api/v1/users/me').expect(200)).body.avatarUrl).toBeNull();
    await t.asUser(user).delete('/api/v1/users/me/avatar').expect(204);
  });

  it('never deletes an avatar being chosen while a new avatar upload drops the spare ones', async () => {
    const user = await signUp(t);
    const chosen = await readyAvatar(t, user);
    const dataSource = t.app.get(DataSource);
    const blockedBy = async (pid: number): Promise<number | undefined> => {
      const rows: Array<{ pid: number }> = await dataSource.query(
        `SELECT pid FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))`,
        [pid],
      );
      return rows[0]?.pid;
    };
    // Holding the user's row makes PUT /users/me/avatar stop just before its update commits,
    // so the new upload's spare-avatar deletion runs while the choice is in flight.
    const holder = dataSource.createQueryRunner();
    await holder.connect();
    await holder.startTransaction();
    try {
      await holder.query(`SELECT id FROM users WHERE id = $1 FOR UPDATE`, [user.userId]);
      const [{ pid: holderPid }] = (await holder.query(`SELECT pg_backend_pid() AS pid`)) as [
        { pid: number },
      ];
      const setting = t.asUser(user).put('/api/v1/users/me/avatar').send({ fileId: chosen });
      const setDone = setting.then((res) => res);
      const setPid = await waitFor(() => blockedBy(holderPid), { what: 'PUT avatar waiting' });
      const creating = t
        .asUser(user)
        .post('/api/v1/files')
        .send({ purpose: 'avatar', filename: 'b.png', contentType: 'image/png', size: 100 });
      const createDone = creating.then((res) => res);
      await waitFor(() => blockedBy(setPid), { what: 'POST /files waiting for the choice' });
      await holder.rollbackTransaction();
      expect((await setDone).status).toBe(200);
      expect((await createDone).status).toBe(201);
    } finally {
      if (holder.isTransactionActive) await holder.rollbackTransaction();
      await holder.release();
    }
    expect(await fileRowExists(t.app, chosen)).toBe(true);
    const users: Array<{ avatar_file_id: string | null }> = await dataSource.query(
      `SELECT avatar_file_id FROM users WHERE id = $1`,
      [user.userId],
    );
    expect(users[0]?.avatar_file_id).toBe(chosen);
    expect((await t.asUser(user).get('/api/v1/users/me').expect(200)).body.avatarUrl).toEqual(
      expect.any(String),
    );
  });
});

describe('files: account deletion purges them', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('deletes every file row and object of a deleted account, idempotently', async () => {
    const user = await signUp(t);
    const avatar = await readyAvatar(t, user);
    await t.asUser(user).put('/api/v1/users/me/avatar').send({ fileId: avatar }).expect(200);
    const pending = await uploadOnly(t, user, {
      purpose: 'attachment',
      contentType: 'image/png',
      bytes: await png(20, 20),
    });
    const keys = [
      `files/${user.userId}/${avatar}/clean`,
      `files/${user.userId}/${avatar}/square-256`,
      `files/${user.userId}/${pending}/original`,
    ];
    const storage = t.app.get(ObjectStorage);
    for (const key of keys) expect(await storage.stat(key)).not.toBeNull();

    await t.asUser(user).delete('/api/v1/users/me').send({ password: user.password }).expect(204);

    await waitFor(async () => !(await fileRowExists(t.app, avatar)), { what: 'rows purged' });
    expect(await fileRowExists(t.app, pending)).toBe(false);
    await waitFor(
      async () => (await Promise.all(keys.map((k) => storage.stat(k)))).every((s) => s === null),
      { what: 'objects purged' },
    );
    const [row] = await t.app
      .get(DataSource)
      .query(`SELECT avatar_file_id, avatar_key FROM users WHERE id = $1`, [user.userId]);
    expect(row).toEqual({ avatar_file_id: null, avatar_key: null });
    // The event delivered again: nothing left, nothing published.
    expect(await t.app.get(AccountErasure).erase(user.userId)).toBe(0);
  });
});

describe('files: the pending-upload sweeper', () => {
  // The test's epoch is far before any real row, so the sweep never touches other files' rows.
  const clock = new ManualClock(new Date('2020-01-01T00:00:00Z'));
  let t: TestApp;
  let workerA: INestApplicationContext;
  let workerB: INestApplicationContext;

  beforeAll(async () => {
    t = await createTestApp({ APP_ROLE: 'api' });
    [workerA, workerB] = await Promise.all([
      createTestWorker({}, { clock }),
      createTestWorker({}, { clock }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([t.close(), workerA.close(), workerB.close()]);
  });

  it('is one repeatable job for all workers', async () => {
    const queue = workerA.get<Queue>(getQueueToken(QUEUES.files.name), { strict: false });
    const jobs = (await queue.getRepeatableJobs()).filter(
      (j) => j.name === QUEUES.files.jobs.sweepPending,
    );
    expect(jobs).toHaveLength(1);
    expect(Number(jobs[0]!.every)).toBe(t.config.fileProcessing.sweepEveryMs);
  });

  it('deletes an upload never completed after 24 h, row and object, not before', async () => {
    const user = await signUp(t);
    const id = await uploadOnly(t, user, {
      purpose: 'attachment',
      contentType: 'image/png',
      bytes: await png(16, 16),
    });
    const done = await uploadAndComplete(t, user, {
      purpose: 'attachment',
      contentType: 'image/png',
      bytes: await png(16, 16),
    });
    // Created "now" on the test's clock (the row's timestamp comes from the database's).
    await t.app
      .get(DataSource)
      .query(`UPDATE files SET created_at = $2 WHERE id = ANY($1)`, [[id, done.id], clock.now()]);
    const key = `files/${user.userId}/${id}/original`;
    const storage = t.app.get(ObjectStorage);
    expect(await storage.stat(key)).not.toBeNull();

    clock.advance(23 * HOUR);
    expect(await workerA.get(PendingSweep).runOnce()).toBe(0);
    expect(await fileRowExists(t.app, id)).toBe(true);

    clock.advance(2 * HOUR);
    const swept = await Promise.all([
      workerA.get(PendingSweep).runOnce(),
      workerB.get(PendingSweep).runOnce(),
    ]);
    expect(swept.reduce((a, b) => a + b, 0)).toBe(1);
    expect(await fileRowExists(t.app, id)).toBe(false);
    expect(await fileRowExists(t.app, done.id)).toBe(true);
    await waitFor(async () => (await storage.stat(key)) === null, { what: 'object deleted' });
  });
});
