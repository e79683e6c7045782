import type { LocaleBundle } from '../types.js';

const hi = (name: string): string => (name.trim() ? `Hi ${name},` : 'Hi,');

export const en: LocaleBundle = {
  layout: {
    linkFallback: 'If the button does not work, copy this link into your browser:',
    signature: (appName) => `The ${appName} team`,
  },
  templates: {
    'auth.email_verification': (d) => ({
      email: {
        subject: 'Confirm your email address',
        greeting: hi(d.displayName),
        paragraphs: ['Please confirm your email address to finish setting up your account.'],
        action: { label: 'Confirm email address', url: d.verifyUrl },
        outro: ['If you did not create an account, you can ignore this email.'],
      },
      push: { title: 'Confirm your email', body: 'Open the link we emailed you.' },
      inApp: { title: 'Confirm your email', body: 'Open the link we emailed you.' },
    }),
    'auth.password_reset': (d) => ({
      email: {
        subject: 'Reset your password',
        greeting: hi(d.displayName),
        paragraphs: ['We received a request to reset your password.'],
        action: { label: 'Choose a new password', url: d.resetUrl },
        outro: [
          'The link works once and expires soon.',
          'If you did not ask for this, ignore this email: your password stays the same.',
        ],
      },
      push: { title: 'Password reset requested', body: 'Open the link we emailed you.' },
      inApp: { title: 'Password reset requested', body: 'Open the link we emailed you.' },
    }),
    'auth.password_changed': (d, ctx) => ({
      email: {
        subject: 'Your password was changed',
        greeting: hi(d.displayName),
        paragraphs: [`The password of your account was changed on ${ctx.dateTime(d.changedAt)}.`],
        outro: ['If this was not you, reset your password right away and contact support.'],
      },
      push: {
        title: 'Password changed',
        body: 'If this was not you, reset your password now.',
      },
      inApp: {
        title: 'Password changed',
        body: `Your password was changed on ${ctx.dateTime(d.changedAt)}.`,
      },
    }),
    'auth.mfa_changed': (d, ctx) => {
      const what = {
        enabled: 'Two-factor authentication was turned on',
        disabled: 'Two-factor authentication was turned off',
        recovery_codes_regenerated: 'New recovery codes were created (the old ones no longer work)',
      }[d.change];
      return {
        email: {
          subject: 'Your sign-in security changed',
          greeting: hi(d.displayName),
          paragraphs: [`${what} for your account on ${ctx.dateTime(d.at)}.`],
          outro: ['If this was not you, reset your password right away and contact support.'],
        },
        push: { title: 'Sign-in security changed', body: `${what}.` },
        inApp: { title: 'Sign-in security changed', body: `${what}.` },
      };
    },
    'auth.account_exists': (d) => ({
      email: {
        subject: 'You already have an account',
        greeting: hi(d.displayName),
        paragraphs: [
          'Someone, hopefully you, tried to create an account with this email address. You already have one.',
        ],
        action: { label: 'Sign in', url: d.signInUrl },
        outro: [
          'Forgot your password? Reset it from the sign-in page.',
          'If this was not you, you can ignore this email: nothing has changed.',
        ],
      },
      push: {
        title: 'Sign-up attempt',
        body: 'Someone tried to register with your email address.',
      },
      inApp: {
        title: 'Sign-up attempt',
        body: 'Someone tried to register with your email address.',
      },
    }),
    'auth.new_login': (d, ctx) => {
      const where = [d.ipAddress && `IP address ${d.ipAddress}`, d.userAgent]
        .filter(Boolean)
        .join(', ');
      const when = ctx.dateTime(d.at);
      return {
        email: {
          subject: 'New sign-in to your account',
          greeting: hi(d.displayName),
          paragraphs: [`Your account was signed in to on ${when}${where ? ` (${where})` : ''}.`],
          outro: ['If this was not you, change your password and sign out of all sessions.'],
        },
        push: { title: 'New sign-in', body: `Your account was signed in to on ${when}.` },
        inApp: { title: 'New sign-in', body: `Signed in on ${when}${where ? ` (${where})` : ''}.` },
      };
    },
    'payments.succeeded': (d, ctx) => {
      const amount = ctx.money(d.amount, d.currency);
      const what = d.description ? ` for ${d.description}` : '';
      return {
        email: {
          subject: `Payment received: ${amount}`,
          greeting: 'Thank you!',
          paragraphs: [
            `We received your payment of ${amount}${what}.`,
            `Reference: ${d.paymentId}`,
          ],
        },
        push: { title: 'Payment received', body: `${amount}${what}` },
        inApp: { title: 'Payment received', body: `Your payment of ${amount}${what} succeeded.` },
      };
    },
    'payments.failed': (d, ctx) => {
      const amount = ctx.money(d.amount, d.currency);
      const what = d.description ? ` for ${d.description}` : '';
      const why = d.reason ? ` Reason: ${d.reason}.` : '';
      return {
        email: {
          subject: `Payment failed: ${amount}`,
          greeting: 'Hello,',
          paragraphs: [
            `Your payment of ${amount}${what} did not go through.${why}`,
            'No money was taken. You can try again with another payment method.',
            `Reference: ${d.paymentId}`,
          ],
        },
        push: { title: 'Payment failed', body: `${amount}${what} did not go through.` },
        inApp: { title: 'Payment failed', body: `Your payment of ${amount}${what} failed.${why}` },
      };
    },
    'payments.refunded': (d, ctx) => {
      const amount = ctx.money(d.amount, d.currency);
      const what = d.description ? ` for ${d.description}` : '';
      return {
        email: {
          subject: `Refund issued: ${amount}`,
          greeting: 'Hello,',
          paragraphs: [
            `We refunded ${amount}${what}.`,
            'Depending on your bank, it can take a few days to show on your statement.',
            `Reference: ${d.paymentId}`,
          ],
        },
        push: { title: 'Refund issued', body: `${amount}${what}` },
        inApp: { title: 'Refund issued', body: `We refunded ${amount}${what}.` },
      };
    },
    'account.welcome': (d, ctx) => ({
      email: {
        subject: `Welcome to ${ctx.appName}`,
        greeting: hi(d.displayName),
        paragraphs: [`Welcome to ${ctx.appName}! Your account is ready.`],
      },
      push: { title: `Welcome to ${ctx.appName}`, body: 'Your account is ready.' },
      inApp: { title: `Welcome to ${ctx.appName}`, body: 'Your account is ready.' },
    }),
    announcement: (d) => ({
      email: { subject: d.title, greeting: 'Hello,', paragraphs: d.body.split(/\n{2,}/) },
      push: { title: d.title, body: d.body },
      inApp: { title: d.title, body: d.body },
    }),
  },
};
