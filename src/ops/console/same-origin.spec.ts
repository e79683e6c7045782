import { describe, expect, it } from '@jest/globals';
import { isSameOrigin, isUnsafeMethod } from './same-origin.js';

const self = 'http://localhost:3000';

describe('isSameOrigin', () => {
  it('trusts Sec-Fetch-Site over Origin', () => {
    expect(isSameOrigin({ fetchSite: 'same-origin', origin: 'https://evil.test', self })).toBe(
      true,
    );
    expect(isSameOrigin({ fetchSite: 'cross-site', origin: self, self })).toBe(false);
    expect(isSameOrigin({ fetchSite: 'same-site', origin: self, self })).toBe(false);
    expect(isSameOrigin({ fetchSite: 'none', origin: undefined, self })).toBe(false);
  });

  it('falls back to an exact Origin match', () => {
    expect(isSameOrigin({ fetchSite: undefined, origin: 'HTTP://LOCALHOST:3000', self })).toBe(
      true,
    );
    expect(isSameOrigin({ fetchSite: undefined, origin: 'http://localhost:3001', self })).toBe(
      false,
    );
    expect(isSameOrigin({ fetchSite: undefined, origin: 'null', self })).toBe(false);
  });

  it('refuses a request that names no origin at all', () => {
    expect(isSameOrigin({ fetchSite: undefined, origin: undefined, self })).toBe(false);
  });
});

describe('isUnsafeMethod', () => {
  it('treats everything but GET, HEAD and OPTIONS as unsafe', () => {
    expect(['GET', 'head', 'OPTIONS'].map(isUnsafeMethod)).toEqual([false, false, false]);
    expect(['POST', 'PUT', 'PATCH', 'DELETE'].map(isUnsafeMethod)).toEqual([
      true,
      true,
      true,
      true,
    ]);
  });
});
