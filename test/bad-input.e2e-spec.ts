import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, signUp } from './support/auth.js';
import { createTestApp, type TestApp } from './support/test-app.js';

type Operation = { parameters?: Array<{ in: string; name: string }>; requestBody?: unknown };
type Paths = Record<
  string,
  Partial<Record<'get' | 'post' | 'put' | 'patch' | 'delete', Operation>>
>;

/**
 * Every operation of the published API, fed bad input as an admin (the widest access): malformed
 * and unknown path ids, unknown fields, broken JSON. None may answer 5xx; every 4xx is a problem.
 */
describe('bad input never produces a 500', () => {
  let t: TestApp;
  let auth: string;
  let paths: Paths;

  beforeAll(async () => {
    t = await createTestApp();
    auth = bearer((await signUp(t, { role: 'admin' })).accessToken);
    paths = (await t.http.get('/docs-json').expect(200)).body.paths;
  });
  afterAll(() => t.close());

  const variants = (path: string) => [
    path.replace(/\{[^}]+\}/g, 'not-an-id'),
    path.replace(/\{[^}]+\}/g, () => randomUUID()),
  ];

  it('answers every operation with a 4xx problem, never a 5xx', async () => {
    const seen: string[] = [];
    // Logging out ends the session every other call uses: those go last.
    const ordered = Object.entries(paths).sort(
      ([a], [b]) => Number(a.includes('logout')) - Number(b.includes('logout')),
    );
    for (const [template, item] of ordered) {
      if (template === '/metrics' || template.startsWith('/health')) continue;
      for (const method of Object.keys(item)) {
        for (const path of variants(template)) {
          const bodies: Array<string | object | undefined> =
            method === 'get' || method === 'delete'
              ? [undefined]
              : [{ unexpected: 1 }, '{"broken":'];
          for (const body of bodies) {
            let req = t.http[method as 'get'](`${path}?limit=-1&cursor=%00`)
              .set('Authorization', auth)
              .set('Idempotency-Key', randomUUID());
            if (body !== undefined) req = req.set('Content-Type', 'application/json').send(body);
            const res = await req;
            const where = `${method.toUpperCase()} ${path} ${JSON.stringify(body)} -> ${res.status}`;
            seen.push(where);
            expect({ where, serverError: res.status >= 500 }).toEqual({
              where,
              serverError: false,
            });
            if (res.status >= 400) {
              expect({ where, type: res.headers['content-type'] }).toEqual({
                where,
                type: expect.stringMatching(/^application\/problem\+json/),
              });
            }
          }
        }
      }
    }
    // Reaching validation, not stopping at authentication: few 401s (the logout calls last).
    expect(seen.filter((s) => s.endsWith('-> 401')).length).toBeLessThan(5);
    expect(seen.length).toBeGreaterThan(60);
  }, 120_000);
});
