import { describe, expect, it } from '@jest/globals';
import { MicroBatcher } from './micro-batcher.js';

/** A batch function that records its calls and waits until released. */
function gate() {
  const calls: number[][] = [];
  const releases: Array<() => void> = [];
  const run = (items: number[]) => {
    calls.push(items);
    return new Promise<void>((resolve) => releases.push(resolve));
  };
  return { calls, releases, run };
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('MicroBatcher', () => {
  it('sends items added in the same turn as one batch', async () => {
    const calls: number[][] = [];
    const batcher = new MicroBatcher<number>(async (items) => void calls.push(items), {
      maxBatch: 10,
      maxInFlight: 1,
    });
    await Promise.all([1, 2, 3].map((n) => batcher.add(n)));
    expect(calls).toEqual([[1, 2, 3]]);
  });

  it('gathers what arrives while the batches in flight run, and splits at maxBatch', async () => {
    const g = gate();
    const batcher = new MicroBatcher<number>(g.run, { maxBatch: 3, maxInFlight: 1 });
    const done = [batcher.add(1)];
    await tick();
    expect(g.calls).toEqual([[1]]);
    for (const n of [2, 3, 4, 5]) done.push(batcher.add(n));
    await tick();
    expect(g.calls).toHaveLength(1);
    g.releases[0]?.();
    await tick();
    await tick();
    expect(g.calls).toEqual([[1], [2, 3, 4]]);
    g.releases[1]?.();
    await tick();
    await tick();
    expect(g.calls).toEqual([[1], [2, 3, 4], [5]]);
    g.releases[2]?.();
    await Promise.all(done);
  });

  it('runs up to maxInFlight batches at once', async () => {
    const g = gate();
    const batcher = new MicroBatcher<number>(g.run, { maxBatch: 2, maxInFlight: 2 });
    const done = [1, 2, 3, 4, 5].map((n) => batcher.add(n));
    await tick();
    expect(g.calls).toEqual([
      [1, 2],
      [3, 4],
    ]);
    g.releases[0]?.();
    await tick();
    await tick();
    expect(g.calls).toEqual([[1, 2], [3, 4], [5]]);
    g.releases[1]?.();
    g.releases[2]?.();
    await Promise.all(done);
  });

  it('fails only the bad item of a failed batch, retrying the others one by one', async () => {
    const calls: number[][] = [];
    const batcher = new MicroBatcher<number>(
      async (items) => {
        calls.push(items);
        if (items.includes(13)) throw new Error('unlucky');
      },
      { maxBatch: 10, maxInFlight: 1 },
    );
    const outcomes = await Promise.allSettled([12, 13, 14].map((n) => batcher.add(n)));
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toEqual(new Error('unlucky'));
    expect(calls).toEqual([[12, 13, 14], [12], [13], [14]]);
  });

  it('rejects a lone failing item without running it twice', async () => {
    let runs = 0;
    const batcher = new MicroBatcher<number>(
      async () => {
        runs++;
        throw new Error('down');
      },
      { maxBatch: 10, maxInFlight: 1 },
    );
    await expect(batcher.add(1)).rejects.toThrow('down');
    expect(runs).toBe(1);
  });
});
