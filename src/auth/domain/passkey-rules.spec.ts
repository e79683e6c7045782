import { describe, expect, it } from '@jest/globals';
import {
  challengeLive,
  defaultPasskeyName,
  MAX_PASSKEYS_PER_USER,
  mayAddPasskey,
  signCounterVerdict,
} from './passkey-rules.js';

describe('passkey rules', () => {
  it('allows ten passkeys per user and refuses the eleventh', () => {
    expect(MAX_PASSKEYS_PER_USER).toBe(10);
    expect(mayAddPasskey(0)).toBe(true);
    expect(mayAddPasskey(9)).toBe(true);
    expect(mayAddPasskey(10)).toBe(false);
    expect(mayAddPasskey(11)).toBe(false);
  });

  it('keeps a challenge live until, not at, its expiry', () => {
    expect(challengeLive(1_000, 999)).toBe(true);
    expect(challengeLive(1_000, 1_000)).toBe(false);
    expect(challengeLive(1_000, 5_000)).toBe(false);
  });

  it('accepts a growing sign counter and authenticators without one', () => {
    expect(signCounterVerdict(0, 0)).toBe('ok');
    expect(signCounterVerdict(0, 1)).toBe('ok');
    expect(signCounterVerdict(41, 42)).toBe('ok');
  });

  it('flags a counter that stalls or goes back as a cloned authenticator', () => {
    expect(signCounterVerdict(42, 42)).toBe('regressed');
    expect(signCounterVerdict(42, 7)).toBe('regressed');
    expect(signCounterVerdict(5, 0)).toBe('regressed');
  });

  it('names an unnamed passkey after its kind', () => {
    expect(defaultPasskeyName('multiDevice')).toBe('Synced passkey');
    expect(defaultPasskeyName('singleDevice')).toBe('Security key');
  });
});
