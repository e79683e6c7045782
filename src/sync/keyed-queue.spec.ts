import { describe, expect, it } from '@jest/globals';
import { KeyedQueue } from './keyed-queue.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('KeyedQueue', () => {
  it('runs one key in order, other keys alongside, and forgets idle keys', async () => {
    const queue = new KeyedQueue();
    const log: string[] = [];
    let releaseFirst!: () => void;
    const first = queue.run('ann', async () => {
      log.push('ann 1 start');
      await new Promise<void>((resolve) => (releaseFirst = resolve));
      log.push('ann 1 end');
      return 1;
    });
    const second = queue.run('ann', async () => {
      log.push('ann 2');
      return 2;
    });
    const bob = queue.run('bob', async () => {
      log.push('bob');
      return 3;
    });
    await tick();
    expect(log).toEqual(['ann 1 start', 'bob']);
    releaseFirst();
    expect(await Promise.all([first, second, bob])).toEqual([1, 2, 3]);
    expect(log).toEqual(['ann 1 start', 'bob', 'ann 1 end', 'ann 2']);
    await tick();
    expect(queue.size).toBe(0);
  });

  it('goes on after a failed task, which still rejects for its caller', async () => {
    const queue = new KeyedQueue();
    const failed = queue.run('ann', async () => {
      throw new Error('boom');
    });
    const next = queue.run('ann', async () => 'ok');
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('ok');
  });
});
