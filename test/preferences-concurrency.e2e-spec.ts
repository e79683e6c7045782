import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { signUp } from './support/auth.js';
import { createTestApp, type TestApp } from './support/test-app.js';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});

afterAll(async () => {
  await t?.close();
});

/** Every switch a user may turn off (security email stays on), one per concurrent writer. */
const SWITCHES = ['security', 'account', 'payments', 'marketing']
  .flatMap((category) => ['email', 'push', 'inApp'].map((channel) => ({ category, channel })))
  .filter(({ category, channel }) => !(category === 'security' && channel === 'email'));

describe('PUT /notifications/preferences under concurrency', () => {
  it('answers 200 to every concurrent first write and merges them all', async () => {
    const user = await signUp(t);
    const writes = SWITCHES.map(({ category, channel }, i) => ({
      channels: { [category]: { [channel]: false } },
      quietHours: { start: `${String(10 + i).padStart(2, '0')}:00`, end: '07:00' },
    }));
    expect(writes.length).toBeGreaterThanOrEqual(10);

    const responses = await Promise.all(
      writes.map((body) => t.asUser(user).put('/api/v1/notifications/preferences').send(body)),
    );

    expect(responses.map((r) => r.status)).toEqual(writes.map(() => 200));
    const final = await t.asUser(user).get('/api/v1/notifications/preferences');
    expect(final.status).toBe(200);
    // Each write names one switch: applied one after another, every one of them took effect.
    for (const { category, channel } of SWITCHES) {
      expect(final.body.channels[category][channel]).toBe(false);
    }
    expect(final.body.channels.security.email).toBe(true);
    // Every write names quiet hours too: the last one applied wins.
    expect(writes.map((w) => w.quietHours)).toContainEqual(final.body.quietHours);
  });
});
