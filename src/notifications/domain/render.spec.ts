import { describe, expect, it } from '@jest/globals';
import { NOTIFICATION_TYPES } from './catalogue.js';
import type { NotificationData, NotificationType } from './catalogue.js';
import { PUSH_BODY_MAX, render } from './render.js';

const verify: NotificationData['auth.email_verification'] = {
  displayName: '<script>alert("x")</script> & Co',
  verifyUrl: 'https://app.example.com/verify-email?token=abc&uid=42',
};

const samples: { [T in NotificationType]: NotificationData[T] } = {
  'auth.email_verification': verify,
  'auth.password_reset': { displayName: 'Ana', resetUrl: 'https://app.example.com/reset?t=1' },
  'auth.password_changed': { displayName: 'Ana', changedAt: '2026-03-01T10:00:00Z' },
  'auth.account_exists': { displayName: 'Ana', signInUrl: 'https://app.example.com/sign-in' },
  'auth.mfa_changed': { displayName: 'Ana', change: 'enabled', at: '2026-03-01T10:00:00Z' },
  'auth.new_login': {
    displayName: 'Ana',
    at: '2026-03-01T10:00:00Z',
    ipAddress: '203.0.113.7',
    userAgent: 'Firefox on Linux',
  },
  'payments.succeeded': {
    amount: 123450,
    currency: 'eur',
    description: 'Pro plan',
    paymentId: 'p1',
  },
  'payments.failed': {
    amount: 1999,
    currency: 'usd',
    description: null,
    paymentId: 'p2',
    reason: 'card declined',
  },
  'payments.refunded': { amount: 500, currency: 'jpy', description: null, paymentId: 'p3' },
  'account.welcome': { displayName: 'Ana' },
  announcement: { title: 'New <b>feature</b>', body: 'First paragraph.\n\nSecond one.' },
};

function renderSample<T extends NotificationType>(type: T, locale: string) {
  return render(type, locale, samples[type]);
}

describe('render', () => {
  it('escapes every variable in HTML and leaves the text part as written', () => {
    const { email } = render('auth.email_verification', 'en', verify);
    expect(email.html).not.toContain('<script>');
    expect(email.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co');
    expect(email.html).toContain(
      'href="https://app.example.com/verify-email?token=abc&amp;uid=42"',
    );
    expect(email.text).toContain('Hi <script>alert("x")</script> & Co,');
  });

  it('puts the full link on its own line in the text part', () => {
    const { email } = render('auth.email_verification', 'en', verify);
    expect(email.text).toContain(
      'Confirm email address:\nhttps://app.example.com/verify-email?token=abc&uid=42\n',
    );
  });

  it('refuses a non-http link', () => {
    expect(() =>
      render('auth.password_reset', 'en', { displayName: 'x', resetUrl: 'javascript:alert(1)' }),
    ).toThrow(/javascript/);
  });

  it('formats money from minor units in the user locale', () => {
    expect(renderSample('payments.succeeded', 'en').email.subject).toBe(
      'Payment received: €1,234.50',
    );
    expect(renderSample('payments.succeeded', 'de').email.subject).toBe(
      'Zahlung erhalten: 1.234,50\u00a0€',
    );
    expect(renderSample('payments.failed', 'en-US').push.body).toBe('$19.99 did not go through.');
    expect(renderSample('payments.refunded', 'en').inApp.body).toBe('We refunded ¥500.');
  });

  it('uses the second locale for German tags and falls back to English otherwise', () => {
    expect(renderSample('account.welcome', 'de-AT').email.subject).toBe('Willkommen bei App');
    expect(renderSample('account.welcome', 'en-GB').email.subject).toBe('Welcome to App');
    expect(renderSample('account.welcome', 'fr').email.subject).toBe('Welcome to App');
    expect(render('account.welcome', null, { displayName: 'A' }).email.subject).toBe(
      'Welcome to App',
    );
    expect(render('account.welcome', 'not a locale!', { displayName: 'A' }).inApp.title).toBe(
      'Welcome to App',
    );
  });

  it('keeps the regional conventions of a tag that falls back to another bundle', () => {
    // en-IN groups lakhs: the English text, Indian digits.
    const inr = { amount: 12345600, currency: 'inr', description: null, paymentId: 'p' };
    expect(render('payments.succeeded', 'en-IN', inr).push.body).toBe('₹1,23,456.00');
  });

  it('writes dates in the given time zone', () => {
    const changed = { displayName: 'Ana', changedAt: '2026-03-01T10:00:00Z' };
    const { inApp } = render('auth.password_changed', 'en', changed, {
      timeZone: 'America/New_York',
    });
    expect(inApp.body).toBe('Your password was changed on Mar 1, 2026, 5:00 AM EST.');
  });

  it('turns announcement paragraphs into separate HTML paragraphs, escaped', () => {
    const { email } = renderSample('announcement', 'en');
    expect(email.subject).toBe('New <b>feature</b>');
    expect(email.html).toContain('<title>New &lt;b&gt;feature&lt;/b&gt;</title>');
    expect(email.html).toContain('<p style="margin:0 0 16px">First paragraph.</p>');
    expect(email.html).toContain('<p style="margin:0 0 16px">Second one.</p>');
  });

  it('caps the push body', () => {
    const long = render('announcement', 'en', { title: 't', body: 'x'.repeat(1000) });
    expect(Array.from(long.push.body)).toHaveLength(PUSH_BODY_MAX);
    expect(long.inApp.body).toHaveLength(1000);
  });

  it.each(NOTIFICATION_TYPES.flatMap((type) => ['en', 'de'].map((locale) => [type, locale])))(
    'renders %s in %s on every channel',
    (type, locale) => {
      const out = renderSample(type as NotificationType, locale);
      for (const text of [
        out.email.subject,
        out.email.text,
        out.email.html,
        out.push.title,
        out.push.body,
        out.inApp.title,
        out.inApp.body,
      ]) {
        expect(text.trim()).not.toBe('');
        expect(text).not.toMatch(/undefined|null|NaN|\[object/);
      }
      expect(out.email.html).toContain(`<html lang="${locale}">`);
    },
  );
});
