import { describe, expect, it } from '@jest/globals';
import { SignedToken } from './signed-token.js';

const grant = {
  method: 'PUT' as const,
  key: 'files/a/b/original',
  expires: 1000,
  contentType: 'image/png',
  size: 42,
};

describe('SignedToken', () => {
  const tokens = new SignedToken('s'.repeat(32));

  it('verifies its own grant until it expires, for its method only', () => {
    const token = tokens.sign(grant);
    expect(tokens.verify(token, 'PUT', 1000)).toEqual({ ok: true, grant });
    expect(tokens.verify(token, 'PUT', 1001)).toEqual({ ok: false, reason: 'expired' });
    expect(tokens.verify(token, 'GET', 10)).toEqual({ ok: false, reason: 'wrong-method' });
  });

  it('refuses a changed grant, another key’s signature and garbage', () => {
    const [body, signature] = tokens.sign(grant).split('.');
    const changed = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(body, 'base64url').toString()), s: 43 }),
    ).toString('base64url');
    expect(tokens.verify(`${changed}.${signature}`, 'PUT', 0).ok).toBe(false);
    expect(new SignedToken('t'.repeat(32)).verify(`${body}.${signature}`, 'PUT', 0)).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
    for (const garbage of ['', '.', 'abc', 'a.b.c', `${body}.`, `${body}.${signature}x`]) {
      expect(tokens.verify(garbage, 'PUT', 0).ok).toBe(false);
    }
  });
});
