import { describe, expect, it } from '@jest/globals';
import { assuranceOf, parseAmr } from './assurance.js';

describe('assurance', () => {
  it('is aal2 only with a second factor or a passkey', () => {
    expect(assuranceOf(['pwd'])).toBe('aal1');
    expect(assuranceOf(['oidc'])).toBe('aal1');
    expect(assuranceOf(['pwd', 'otp'])).toBe('aal2');
    expect(assuranceOf(['oidc', 'recovery'])).toBe('aal2');
    expect(assuranceOf(['passkey'])).toBe('aal2');
  });

  it('reads an amr claim: absent is a password sign-in, anything unknown is refused', () => {
    expect(parseAmr(undefined)).toEqual(['pwd']);
    expect(parseAmr(['pwd', 'otp'])).toEqual(['pwd', 'otp']);
    expect(parseAmr([])).toBeNull();
    expect(parseAmr(['pwd', 'sms'])).toBeNull();
    expect(parseAmr('pwd')).toBeNull();
    expect(parseAmr(['pwd', 'pwd', 'pwd', 'pwd', 'pwd', 'pwd'])).toBeNull();
  });
});
