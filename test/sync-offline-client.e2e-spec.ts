import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createApiClient, ok, type NotificationEvent } from '../clients/typescript/src/index.js';
import { OfflineSync, type Conflict } from '../clients/typescript/examples/offline-sync.js';
import { ManualClock } from '../src/common/clock.js';
import { SyncPurge } from '../src/sync/worker/sync-purge.js';
import { signUp, type SignedUp } from './support/auth.js';
import { contractCheckingFetch } from './support/contract/fetch.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { waitFor } from './support/wait.js';

const DAY = 24 * 3600 * 1000;

/** Lists merge by union: nothing either device added is lost. */
function union({ mine, theirs }: Conflict): unknown {
  const items = (value: unknown) => (value as { items?: string[] } | null | undefined)?.items ?? [];
  return { items: [...new Set([...items(theirs?.value), ...items(mine.value)])] };
}

/**
 * The README's offline-first loop (clients/typescript/examples/offline-sync.ts), unchanged, on
 * the SDK against the real app on a real port: two devices of one user, one offline, a
 * conflict merged, a `sync` event pulled, and a resync after 410.
 */
describe('offline-first SDK client (README example)', () => {
  let t: TestApp;
  let baseUrl: string;
  const clock = new ManualClock(new Date());

  beforeAll(async () => {
    t = await createTestApp({ SYNC_TOMBSTONE_RETENTION_DAYS: '1' }, { clock });
    await t.app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await t?.close();
  });

  async function device(user: SignedUp, name: string): Promise<OfflineSync> {
    const api = createApiClient({ baseUrl, fetch: contractCheckingFetch() });
    await ok(
      api.POST('/api/v1/auth/login', {
        body: { email: user.email, password: user.password, deviceName: name },
      }),
    );
    return new OfflineSync(api, undefined, { clientId: name, resolve: union });
  }

  it('converges through a conflict, real-time pulls and a resync after 410', async () => {
    const user = await signUp(t);
    const phone = await device(user, 'phone');
    const tablet = await device(user, 'tablet');

    // The tablet is online: its loop flushes and pulls on connect and on each sync event.
    const events: NotificationEvent[] = [];
    const errors: unknown[] = [];
    let stop = new AbortController();
    let loop = tablet.run(stop.signal, {
      onEvent: (e) => events.push(e),
      onError: (e) => errors.push(e),
    });
    try {
      await waitFor(() => events.some((e) => e.type === 'unread-count'), { what: 'a live stream' });

      // The phone is offline: its writes stay local and queued.
      phone.put('lists', 'groceries', { items: ['eggs'] });
      phone.put('notes', 'n1', 'call the plumber');
      expect(phone.get('lists', 'groceries')).toEqual({ items: ['eggs'] });

      tablet.put('lists', 'groceries', { items: ['milk'] });
      await tablet.flush();

      // Back online: the phone's groceries were made on no version, the tablet's came first.
      await phone.flush();
      await phone.pull();
      expect(phone.get('lists', 'groceries')).toEqual({ items: ['milk', 'eggs'] });
      expect(phone.store.queue).toEqual([]);

      // The tablet learns it from its stream, without asking.
      await waitFor(
        () =>
          tablet.get('notes', 'n1') === 'call the plumber' &&
          JSON.stringify(tablet.get('lists', 'groceries')) === '{"items":["milk","eggs"]}',
        { what: 'the tablet to pull the phone’s changes' },
      );
      expect(events.some((e) => e.type === 'sync')).toBe(true);
      expect(tablet.list('lists')).toEqual(phone.list('lists'));
      expect(tablet.store.documents).toEqual(phone.store.documents);

      // The tablet goes offline; the phone deletes a note; the tombstone outlives its retention.
      stop.abort();
      await loop;
      phone.delete('notes', 'n1');
      await phone.flush();
      clock.advance(2 * DAY);
      expect((await t.app.get(SyncPurge).runOnce()).tombstones).toBeGreaterThanOrEqual(1);

      // Its cursor is now older than the retention: 410, so it drops its copy and resyncs.
      events.length = 0;
      stop = new AbortController();
      loop = tablet.run(stop.signal, {
        onEvent: (e) => events.push(e),
        onError: (e) => errors.push(e),
      });
      // An event is passed on after the pull it triggered: by the first, both of the reconnect's
      // catch-ups (the run's own and the stream's) are done, and the resync's cursor held.
      await waitFor(() => events.some((e) => e.type === 'unread-count'), {
        what: 'the tablet to reconnect and catch up',
      });
      expect(tablet.resyncs).toBe(1);
      expect(tablet.store.cursor).not.toBeNull();
      expect(tablet.get('notes', 'n1')).toBeUndefined();
    } finally {
      // A failed step must not leave the stream open (the test process would never exit).
      stop.abort();
      await loop;
    }

    await phone.pull();
    expect(tablet.list('lists')).toEqual(phone.list('lists'));
    expect(tablet.list('notes')).toEqual(new Map());
    expect(errors).toEqual([]);
  });
});
