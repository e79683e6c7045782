import { describe, expect, it } from '@jest/globals';
import { CATALOGUE, NOTIFICATION_TYPES, isNotificationType, resolveLocale } from './catalogue.js';

describe('catalogue', () => {
  it('lists the agreed types', () => {
    expect([...NOTIFICATION_TYPES].sort()).toEqual([
      'account.welcome',
      'announcement',
      'auth.account_exists',
      'auth.email_verification',
      'auth.mfa_changed',
      'auth.new_login',
      'auth.password_changed',
      'auth.password_reset',
      'payments.failed',
      'payments.refunded',
      'payments.succeeded',
    ]);
  });

  it('files every auth mail under security, and security always includes email', () => {
    for (const type of NOTIFICATION_TYPES.filter((t) => t.startsWith('auth.'))) {
      expect(CATALOGUE[type].category).toBe('security');
      expect(CATALOGUE[type].defaultChannels).toContain('email');
    }
    expect(CATALOGUE.announcement.category).toBe('marketing');
  });

  it('recognises only catalogue keys', () => {
    expect(isNotificationType('payments.succeeded')).toBe(true);
    expect(isNotificationType('toString')).toBe(false);
  });

  it.each([
    ['en', 'en'],
    ['en-GB', 'en'],
    ['de', 'de'],
    ['de-AT', 'de'],
    ['DE_ch', 'de'],
    ['fr-FR', 'en'],
    ['', 'en'],
    [null, 'en'],
    [undefined, 'en'],
  ])('resolves locale %p to %p', (requested, expected) => {
    expect(resolveLocale(requested)).toBe(expected);
  });
});
