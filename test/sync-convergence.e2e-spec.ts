import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { login, signUp } from './support/auth.js';
import type { SignedInClient } from './support/http-client.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/**
 * Property: devices of one user (separate sessions) writing concurrently with random mixes of
 * PUT (last writer wins, If-Match, If-None-Match), DELETE and /sync/mutations batches (with and
 * without baseRev), interleaved with pulls of /sync/changes from each device's own cursor, all
 * converge on the server's final state, which is itself what the applied writes say it must be.
 * No puller misses a change or sees one twice.
 */

const COLLECTIONS = ['notes', 'lists'] as const;
const KEYS = ['a', 'b', 'c'] as const;

type Target = { collection: (typeof COLLECTIONS)[number]; key: (typeof KEYS)[number] };
type Precondition = 'none' | 'known-rev' | 'absent';
type Op =
  | ({ kind: 'put'; value: unknown; pre: Precondition } & Target)
  | ({ kind: 'delete'; pre: Exclude<Precondition, 'absent'> } & Target)
  | {
      kind: 'batch';
      mutations: Array<Target & { op: 'put' | 'delete'; value: unknown; withBase: boolean }>;
    }
  | { kind: 'pull'; limit: number };

const target = fc.record({
  collection: fc.constantFrom(...COLLECTIONS),
  key: fc.constantFrom(...KEYS),
});
const value = fc.oneof(
  fc.integer(),
  fc.string({ maxLength: 12 }),
  fc.record({ n: fc.integer(), tags: fc.array(fc.string({ maxLength: 4 }), { maxLength: 3 }) }),
);
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .record({
        kind: fc.constant('put' as const),
        value,
        pre: fc.constantFrom<Precondition>('none', 'known-rev', 'absent'),
      })
      .chain((o) => target.map((t) => ({ ...o, ...t }))),
  },
  {
    weight: 2,
    arbitrary: fc
      .record({
        kind: fc.constant('delete' as const),
        pre: fc.constantFrom<'none' | 'known-rev'>('none', 'known-rev'),
      })
      .chain((o) => target.map((t) => ({ ...o, ...t }))),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('batch' as const),
      mutations: fc.array(
        fc.record({
          collection: fc.constantFrom(...COLLECTIONS),
          key: fc.constantFrom(...KEYS),
          op: fc.constantFrom<'put' | 'delete'>('put', 'put', 'delete'),
          value,
          withBase: fc.boolean(),
        }),
        { minLength: 1, maxLength: 6 },
      ),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('pull' as const),
      limit: fc.integer({ min: 1, max: 5 }),
    }),
  },
);

/** A document state as the feed and the writes describe it. */
interface DocState {
  rev: number;
  deleted: boolean;
  value: unknown;
}
const id = (t: Target) => `${t.collection}/${t.key}`;

/** What every write the server applied said, by document and revision. */
class Ledger {
  readonly applied = new Map<string, Map<number, DocState>>();
  readonly deletesWithoutRev = new Map<string, number>();

  record(doc: string, state: DocState): void {
    const revs = this.applied.get(doc) ?? new Map<number, DocState>();
    // Two applied writes of one document never get the same revision.
    expect(revs.has(state.rev)).toBe(false);
    revs.set(state.rev, state);
    this.applied.set(doc, revs);
  }

  /** DELETE answers 204 without the tombstone's revision. */
  recordDelete(doc: string): void {
    this.deletesWithoutRev.set(doc, (this.deletesWithoutRev.get(doc) ?? 0) + 1);
  }
}

/** One device: its session, its cursor, its local copy, and what it has pulled. */
class Device {
  cursor: string | null = null;
  readonly docs = new Map<string, DocState>();
  readonly clientId = randomUUID();

  constructor(
    private readonly api: SignedInClient,
    private readonly ledger: Ledger,
  ) {}

  async run(op: Op): Promise<void> {
    if (op.kind === 'pull') return this.pull(op.limit);
    if (op.kind === 'put') return this.put(op);
    if (op.kind === 'delete') return this.remove(op);
    return this.batch(op.mutations);
  }

  /** Pulls until hasMore is false; every document's revision only ever rises. */
  async pull(limit = 50): Promise<void> {
    for (;;) {
      const res = await this.api
        .get('/api/v1/sync/changes')
        .query({ limit, ...(this.cursor === null ? {} : { since: this.cursor }) });
      expect(res.status).toBe(200);
      const seen = new Set<string>();
      for (const change of res.body.changes as Array<Target & DocState & { value: unknown }>) {
        const doc = id(change);
        expect(seen.has(doc)).toBe(false); // one state per document per page
        seen.add(doc);
        const known = this.docs.get(doc);
        // Seen twice (same rev) or out of order (lower rev) would fail here.
        if (known) expect(change.rev).toBeGreaterThan(known.rev);
        this.docs.set(doc, {
          rev: change.rev,
          deleted: change.deleted,
          value: change.deleted ? null : change.value,
        });
      }
      expect(res.body.changes.length).toBeLessThanOrEqual(limit);
      this.cursor = res.body.cursor;
      if (!res.body.hasMore) return;
    }
  }

  private async put(op: Extract<Op, { kind: 'put' }>): Promise<void> {
    let req = this.api.put(`/api/v1/sync/documents/${op.collection}/${op.key}`);
    const known = this.docs.get(id(op));
    if (op.pre === 'known-rev' && known) req = req.set('If-Match', `"${known.rev}"`);
    if (op.pre === 'absent') req = req.set('If-None-Match', '*');
    const res = await req.send({ value: op.value });
    if (res.status === 412) return;
    expect([200, 201]).toContain(res.status);
    expect(res.headers.etag).toBe(`"${res.body.rev}"`);
    this.ledger.record(id(op), { rev: res.body.rev, deleted: false, value: op.value });
  }

  private async remove(op: Extract<Op, { kind: 'delete' }>): Promise<void> {
    let req = this.api.delete(`/api/v1/sync/documents/${op.collection}/${op.key}`);
    const known = this.docs.get(id(op));
    if (op.pre === 'known-rev' && known) req = req.set('If-Match', `"${known.rev}"`);
    const res = await req;
    expect([204, 404, 412]).toContain(res.status);
    if (res.status === 204) this.ledger.recordDelete(id(op));
  }

  private async batch(list: Extract<Op, { kind: 'batch' }>['mutations']): Promise<void> {
    const mutations = list.map((m) => {
      const base = this.docs.get(id(m));
      return {
        id: randomUUID(),
        op: m.op,
        collection: m.collection,
        key: m.key,
        ...(m.op === 'put' ? { value: m.value } : {}),
        ...(m.withBase ? { baseRev: base?.rev ?? 0 } : {}),
      };
    });
    const body = { clientId: this.clientId, mutations };
    const res = await this.api.post('/api/v1/sync/mutations').send(body);
    expect(res.status).toBe(200);
    const results = res.body.results as Array<{ status: string; rev?: number }>;
    expect(results).toHaveLength(mutations.length);
    // A retry of the same batch (a lost answer) changes nothing and answers the same.
    const retried = await this.api.post('/api/v1/sync/mutations').send(body);
    expect(retried.body.results).toEqual(results);
    results.forEach((result, i) => {
      const m = mutations[i];
      if (!m || result.status !== 'applied' || result.rev === undefined) return;
      const deleted = m.op === 'delete';
      this.ledger.record(id(m), { rev: result.rev, deleted, value: deleted ? null : m.value });
    });
  }
}

describe('sync convergence (property)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('devices writing and pulling concurrently converge on the server’s order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(op, { minLength: 1, maxLength: 8 }), { minLength: 2, maxLength: 4 }),
        async (scripts) => {
          const user = await signUp(t);
          const ledger = new Ledger();
          const devices = await Promise.all(
            scripts.map(async (_, i) => {
              const session = await login(t, user.email, user.password, `device ${i}`);
              return new Device(t.asUser(session), ledger);
            }),
          );
          // Each device runs its script in order; the devices run at the same time.
          await Promise.all(
            devices.map(async (device, i) => {
              for (const step of scripts[i] ?? []) await device.run(step);
            }),
          );
          await Promise.all(devices.map((d) => d.pull()));

          const model = await serverState(t.asUser(user));
          checkModel(model, ledger);
          for (const device of devices) expect(device.docs).toEqual(model);
        },
      ),
      { numRuns: 20, endOnFailure: true },
    );
    // Bounded: 20 runs of up to 4 devices × 8 steps (each run signs a user in on every device).
  }, 240_000);
});

/** The server's final state read back: a full pull from no cursor, in small pages. */
async function serverState(api: SignedInClient): Promise<Map<string, DocState>> {
  const reader = new Device(api, new Ledger());
  await reader.pull(2);
  return reader.docs;
}

/** Each document's final state is the applied write with the highest revision. */
function checkModel(model: Map<string, DocState>, ledger: Ledger): void {
  for (const [doc, revs] of ledger.applied) {
    const last = Math.max(...revs.keys());
    const final = model.get(doc);
    expect(final).toBeDefined();
    if (!final) continue;
    expect(final.rev).toBeGreaterThanOrEqual(last);
    const write = revs.get(final.rev);
    if (write) expect(final).toEqual(write);
    // A revision no PUT or mutation reported is a DELETE (204 carries no revision).
    else
      expect({ deleted: final.deleted, byDelete: ledger.deletesWithoutRev.has(doc) }).toEqual({
        deleted: true,
        byDelete: true,
      });
  }
  // A document exists only once a PUT or mutation created it.
  for (const doc of model.keys()) expect(ledger.applied.has(doc)).toBe(true);
}
