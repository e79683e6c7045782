import { describe, expect, it } from '@jest/globals';
import { backoffStrategies, plannedRetryDelayMs, RETRY_AFTER_BACKOFF } from './backoff.js';

const strategy = backoffStrategies[RETRY_AFTER_BACKOFF];

describe('retry backoff', () => {
  it('doubles from the base delay after each failed try', () => {
    const plain = new Error('451');
    expect([1, 2, 3, 4].map((n) => strategy(n, plain, { delay: 100 }))).toEqual([
      100, 300, 700, 1500,
    ]);
  });

  it('waits exactly as long as the error says when it knows (a claim ending)', () => {
    const busy = Object.assign(new Error('busy'), { retryAfterMs: 1234.2 });
    expect(strategy(5, busy, { delay: 100 })).toBe(1235);
  });

  it('announces the delay Bull will apply, whatever the job’s backoff option', () => {
    const busy = Object.assign(new Error('busy'), { retryAfterMs: 900 });
    const custom = { type: RETRY_AFTER_BACKOFF, options: { delay: 50 } };
    expect(plannedRetryDelayMs(custom, 2, busy)).toBe(900);
    expect(plannedRetryDelayMs(custom, 2, new Error('x'))).toBe(150);
    expect(plannedRetryDelayMs({ type: 'exponential', delay: 50 }, 2, busy)).toBe(150);
    expect(plannedRetryDelayMs({ type: 'fixed', delay: 300 }, 4, busy)).toBe(300);
    expect(plannedRetryDelayMs(250, 1, busy)).toBe(250);
    expect(plannedRetryDelayMs(undefined, 1, busy)).toBe(0);
  });
});
