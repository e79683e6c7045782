/**
 * The shapes the catalogue, the locale bundles and the renderer share. Kept apart from
 * `catalogue.ts` so the bundles can depend on them without an import cycle.
 */

export const CATEGORIES = ['security', 'account', 'payments', 'marketing'] as const;
export type Category = (typeof CATEGORIES)[number];

export const CHANNELS = ['email', 'push', 'in_app'] as const;
export type Channel = (typeof CHANNELS)[number];

/** An instant as ISO 8601 text: event data travels through the outbox as JSON. */
export type IsoDateTime = string;

/** Money as the API carries it: integer minor units plus an ISO 4217 code. */
interface Money {
  amount: number;
  currency: string;
}

interface PaymentRef extends Money {
  description: string | null;
  paymentId: string;
}

/** What each notification type needs to render; the key is the type's catalogue key. */
export interface NotificationData {
  'auth.email_verification': { displayName: string; verifyUrl: string };
  'auth.password_reset': { displayName: string; resetUrl: string };
  'auth.password_changed': { displayName: string; changedAt: IsoDateTime };
  /** Someone tried to register with an address that already has an account. */
  'auth.account_exists': { displayName: string; signInUrl: string };
  'auth.new_login': {
    displayName: string;
    at: IsoDateTime;
    ipAddress: string | null;
    userAgent: string | null;
  };
  /** Two-factor authentication turned on or off, or its recovery codes replaced. */
  'auth.mfa_changed': {
    displayName: string;
    change: 'enabled' | 'disabled' | 'recovery_codes_regenerated';
    at: IsoDateTime;
  };
  'payments.succeeded': PaymentRef;
  'payments.failed': PaymentRef & { reason: string | null };
  'payments.refunded': PaymentRef;
  'account.welcome': { displayName: string };
  announcement: { title: string; body: string };
}

export type NotificationType = keyof NotificationData;

export interface EmailAction {
  label: string;
  /** Absolute http(s) URL; shown in full in the text part. */
  url: string;
}

/** An email as structured content; one layout turns it into text and escaped HTML. */
export interface EmailContent {
  subject: string;
  greeting: string;
  paragraphs: string[];
  action?: EmailAction;
  outro?: string[];
}

export interface ShortContent {
  title: string;
  body: string;
}

export interface MessageContent {
  email: EmailContent;
  push: ShortContent;
  inApp: ShortContent;
}

/** Locale-bound helpers handed to templates, so a template never formats by hand. */
export interface TemplateContext {
  money(amount: number, currency: string): string;
  dateTime(at: IsoDateTime): string;
  appName: string;
}

export type Template<T extends NotificationType> = (
  data: NotificationData[T],
  ctx: TemplateContext,
) => MessageContent;

export interface LayoutStrings {
  /** Shown under an action button, for clients that do not render links. */
  linkFallback: string;
  signature(appName: string): string;
}

/** Every locale must translate every type: the mapped type makes a gap a compile error. */
export interface LocaleBundle {
  layout: LayoutStrings;
  templates: { readonly [T in NotificationType]: Template<T> };
}
