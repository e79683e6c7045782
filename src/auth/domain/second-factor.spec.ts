import { describe, expect, it } from '@jest/globals';
import { classifyCode, withSecondFactor } from './second-factor.js';

describe('second factor', () => {
  it('tells a TOTP code from a recovery code', () => {
    expect(classifyCode(' 123456 ')).toEqual({ method: 'otp', code: '123456' });
    expect(classifyCode('7kq2m-xd4hp')).toEqual({ method: 'recovery', code: '7KQ2MXD4HP' });
    expect(classifyCode('12345')).toBeNull();
    expect(classifyCode('')).toBeNull();
  });

  it('adds the second factor to the first factor once', () => {
    expect(withSecondFactor(['pwd'], 'otp')).toEqual(['pwd', 'otp']);
    expect(withSecondFactor(['oidc'], 'recovery')).toEqual(['oidc', 'recovery']);
    expect(withSecondFactor(['pwd', 'otp'], 'otp')).toEqual(['pwd', 'otp']);
  });
});
