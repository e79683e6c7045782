/**
 * Jest setup of the e2e project (`setupFilesAfterEnv`): every response a test receives through
 * supertest is checked against openapi.json, however the spec issued the request. A violation
 * fails the test that caused it (reported from afterEach, with the request line and what is
 * wrong), so a check can never be skipped by a spec that ignores a rejected promise.
 */
import { afterAll, afterEach } from '@jest/globals';
import supertest from 'supertest';
import { recordResponse, takeViolations } from './record.js';

interface SupertestInternals {
  method: string;
  url: string;
  assert(error: unknown, res: SupertestResponse | undefined, fn: unknown): void;
}
interface SupertestResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text?: string;
}

const prototype = supertest.Test.prototype as unknown as SupertestInternals;
const original = prototype.assert;
// assert() sees every response supertest completes, before the spec's own expectations.
prototype.assert = function assert(this: SupertestInternals, error, res, fn) {
  if (res) {
    recordResponse({
      method: this.method,
      url: this.url,
      status: res.status,
      headers: res.headers,
      text: typeof res.text === 'string' ? res.text : undefined,
    });
  }
  original.call(this, error, res, fn);
};

function flush(): void {
  const found = takeViolations();
  if (found.length === 0) return;
  throw new Error(`Responses that break openapi.json:\n  ${found.join('\n  ')}`);
}

afterEach(flush);
afterAll(flush);
