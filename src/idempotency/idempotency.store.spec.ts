import { describe, expect, it } from '@jest/globals';
import { canonicalJson, requestFingerprint } from './idempotency.store.js';

describe('request fingerprint', () => {
  const base = { method: 'POST', path: '/api/v1/payments', query: {}, body: { a: 1, b: [1, 2] } };

  it('ignores key order', () => {
    expect(canonicalJson({ b: 1, a: { d: 2, c: 3 } })).toBe('{"a":{"c":3,"d":2},"b":1}');
    expect(requestFingerprint(base)).toBe(
      requestFingerprint({ ...base, body: { b: [1, 2], a: 1 } }),
    );
  });

  it('changes with the body, the path, the method and the query', () => {
    const fp = requestFingerprint(base);
    expect(requestFingerprint({ ...base, body: { a: 2, b: [1, 2] } })).not.toBe(fp);
    expect(requestFingerprint({ ...base, body: { a: 1, b: [2, 1] } })).not.toBe(fp);
    expect(requestFingerprint({ ...base, path: '/api/v1/other' })).not.toBe(fp);
    expect(requestFingerprint({ ...base, method: 'PUT' })).not.toBe(fp);
    expect(requestFingerprint({ ...base, query: { x: '1' } })).not.toBe(fp);
    expect(fp).toMatch(/^[0-9a-f]{64}$/);
  });
});
