import { describe, expect, it } from '@jest/globals';
import {
  DEFAULT_PREFERENCES,
  SECURITY_EMAIL_REQUIRED,
  applyPreferences,
  resolveChannels,
  validatePreferencesUpdate,
} from './preferences.js';
import type { PreferencesUpdate } from './preferences.js';

describe('validatePreferencesUpdate', () => {
  it('accepts turning off any switch but security email', () => {
    expect(
      validatePreferencesUpdate({
        security: { push: false, in_app: false },
        payments: { email: false },
        marketing: { email: true },
      }),
    ).toBeNull();
  });

  it('refuses to turn off security email, with a reason for the 400', () => {
    expect(validatePreferencesUpdate({ security: { email: false } })).toBe(SECURITY_EMAIL_REQUIRED);
  });

  it('refuses unknown categories, channels and non-boolean values', () => {
    const raw = (value: unknown) => value as PreferencesUpdate;
    expect(validatePreferencesUpdate(raw({ sms: { email: true } }))).toMatch(/category "sms"/);
    expect(validatePreferencesUpdate(raw({ account: { sms: true } }))).toMatch(/channel "sms"/);
    expect(validatePreferencesUpdate(raw({ account: { push: 'no' } }))).toMatch(/true or false/);
  });
});

describe('applyPreferences', () => {
  it('merges switches over the base without touching the others', () => {
    const prefs = applyPreferences(DEFAULT_PREFERENCES, { payments: { push: false } });
    expect(prefs.payments).toEqual({ email: true, push: false, in_app: true });
    expect(prefs.account).toEqual(DEFAULT_PREFERENCES.account);
    expect(DEFAULT_PREFERENCES.payments.push).toBe(true);
  });

  it('keeps security email on whatever a stored row says', () => {
    const prefs = applyPreferences(DEFAULT_PREFERENCES, { security: { email: false } });
    expect(prefs.security.email).toBe(true);
  });
});

describe('resolveChannels', () => {
  it('delivers on the type channels the user left on and skips the rest', () => {
    const prefs = applyPreferences(DEFAULT_PREFERENCES, { payments: { email: false } });
    expect(resolveChannels('payments.succeeded', prefs)).toEqual({
      deliver: ['push', 'in_app'],
      skipped: ['email'],
    });
  });

  it('never offers a channel the type does not use', () => {
    expect(resolveChannels('auth.email_verification', DEFAULT_PREFERENCES)).toEqual({
      deliver: ['email'],
      skipped: [],
    });
  });

  it('keeps marketing email opt-in by default', () => {
    expect(resolveChannels('announcement', DEFAULT_PREFERENCES)).toEqual({
      deliver: ['push', 'in_app'],
      skipped: ['email'],
    });
  });

  it('sends security email even if the preferences object claims it is off', () => {
    const tampered = {
      ...DEFAULT_PREFERENCES,
      security: { email: false, push: false, in_app: false },
    };
    expect(resolveChannels('auth.new_login', tampered)).toEqual({
      deliver: ['email'],
      skipped: ['push', 'in_app'],
    });
  });
});
