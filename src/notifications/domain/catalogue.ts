import { de } from './templates/de.js';
import { en } from './templates/en.js';
import type { Category, Channel, LocaleBundle, NotificationType } from './types.js';

export * from './types.js';

export interface CatalogueEntry {
  category: Category;
  /** The channels this type is sent on; preferences can only narrow them. */
  defaultChannels: readonly Channel[];
  /**
   * Data fields that carry a credential (a one-time token in a link): sealed before the request
   * is stored (outbox, notification row) and opened only to render the message at send time.
   */
  secretFields?: readonly string[];
}

/** One entry per notification type. Templates live per locale in `templates/`. */
export const CATALOGUE: { readonly [T in NotificationType]: CatalogueEntry } = {
  // Verification and reset links go where the user proved they read: the mailbox.
  'auth.email_verification': {
    category: 'security',
    defaultChannels: ['email'],
    secretFields: ['verifyUrl'],
  },
  'auth.password_reset': {
    category: 'security',
    defaultChannels: ['email'],
    secretFields: ['resetUrl'],
  },
  'auth.password_changed': { category: 'security', defaultChannels: ['email', 'push', 'in_app'] },
  'auth.new_login': { category: 'security', defaultChannels: ['email', 'push', 'in_app'] },
  'auth.account_exists': { category: 'security', defaultChannels: ['email'] },
  'auth.mfa_changed': { category: 'security', defaultChannels: ['email', 'push', 'in_app'] },
  'payments.succeeded': { category: 'payments', defaultChannels: ['email', 'push', 'in_app'] },
  'payments.failed': { category: 'payments', defaultChannels: ['email', 'push', 'in_app'] },
  'payments.refunded': { category: 'payments', defaultChannels: ['email', 'push', 'in_app'] },
  'account.welcome': { category: 'account', defaultChannels: ['email', 'in_app'] },
  announcement: { category: 'marketing', defaultChannels: ['email', 'push', 'in_app'] },
};

export const NOTIFICATION_TYPES = Object.keys(CATALOGUE) as readonly NotificationType[];

export function isNotificationType(value: string): value is NotificationType {
  return Object.hasOwn(CATALOGUE, value);
}

export const DEFAULT_LOCALE = 'en';

export const LOCALES = { en, de } as const satisfies Record<string, LocaleBundle>;
export type SupportedLocale = keyof typeof LOCALES;

function isSupported(tag: string): tag is SupportedLocale {
  return Object.hasOwn(LOCALES, tag);
}

/** `de-AT` → `de`, `en-GB` → `en`, `fr` / garbage / nothing → `en`. */
export function resolveLocale(requested: string | null | undefined): SupportedLocale {
  const tag = (requested ?? '').trim().toLowerCase().replace(/_/g, '-');
  if (isSupported(tag)) return tag;
  const language = tag.split('-')[0] ?? '';
  return isSupported(language) ? language : DEFAULT_LOCALE;
}
