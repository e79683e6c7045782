import { LOCALES, resolveLocale } from './catalogue.js';
import type {
  EmailAction,
  EmailContent,
  LayoutStrings,
  NotificationData,
  NotificationType,
} from './catalogue.js';
import { formatDateTime, formatMoney, formattingLocale } from './format.js';

export interface RenderedNotification {
  email: { subject: string; text: string; html: string };
  push: { title: string; body: string };
  inApp: { title: string; body: string };
}

export interface RenderOptions {
  /** IANA zone for dates in the text; the user's zone when known. */
  timeZone?: string;
  appName?: string;
}

/** Push payloads are capped by the providers (4 KB) and cut by lock screens long before. */
export const PUSH_BODY_MAX = 240;

/**
 * Renders one notification for every channel. `locale` is the user's tag: texts come from the
 * closest bundle (falling back to `en`), numbers and dates follow the tag itself.
 */
export function render<T extends NotificationType>(
  type: T,
  locale: string | null | undefined,
  data: NotificationData[T],
  options: RenderOptions = {},
): RenderedNotification {
  const bundleLocale = resolveLocale(locale);
  const bundle = LOCALES[bundleLocale];
  const formatLocale = formattingLocale(locale, bundleLocale);
  const timeZone = options.timeZone ?? 'UTC';
  const appName = options.appName ?? 'App';
  const content = bundle.templates[type](data, {
    money: (amount, currency) => formatMoney(amount, currency, formatLocale),
    dateTime: (at) => formatDateTime(at, formatLocale, timeZone),
    appName,
  });
  return {
    email: {
      subject: content.email.subject,
      text: emailText(content.email, bundle.layout, appName),
      html: emailHtml(content.email, bundle.layout, appName, bundleLocale),
    },
    push: { title: content.push.title, body: clip(content.push.body, PUSH_BODY_MAX) },
    inApp: content.inApp,
  };
}

function emailText(mail: EmailContent, layout: LayoutStrings, appName: string): string {
  const blocks = [mail.greeting, ...mail.paragraphs];
  // The bare URL on its own line stays clickable in every client and readable in logs.
  if (mail.action) blocks.push(`${mail.action.label}:\n${checkedUrl(mail.action)}`);
  blocks.push(...(mail.outro ?? []), `— ${layout.signature(appName)}`);
  return `${blocks.join('\n\n')}\n`;
}

function emailHtml(
  mail: EmailContent,
  layout: LayoutStrings,
  appName: string,
  lang: string,
): string {
  const p = (text: string): string =>
    `<p style="margin:0 0 16px">${escapeHtml(text).replace(/\n/g, '<br>')}</p>`;
  const parts = [p(mail.greeting), ...mail.paragraphs.map(p)];
  if (mail.action) parts.push(actionHtml(mail.action, layout));
  parts.push(...(mail.outro ?? []).map(p), p(`— ${layout.signature(appName)}`));
  return [
    `<!doctype html><html lang="${lang}"><head><meta charset="utf-8">`,
    `<title>${escapeHtml(mail.subject)}</title></head>`,
    '<body style="font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.5;color:#1f2328">',
    '<div style="max-width:560px;margin:0 auto;padding:24px">',
    ...parts,
    '</div></body></html>',
  ].join('\n');
}

function actionHtml(action: EmailAction, layout: LayoutStrings): string {
  const href = escapeHtml(checkedUrl(action));
  return [
    `<p style="margin:24px 0"><a href="${href}" style="background:#2f6feb;color:#fff;`,
    `padding:12px 20px;border-radius:6px;text-decoration:none">${escapeHtml(action.label)}</a></p>`,
    `<p style="margin:0 0 16px;font-size:13px">${escapeHtml(layout.linkFallback)}<br>`,
    `<a href="${href}">${href}</a></p>`,
  ].join('');
}

/** A `javascript:` or relative link in a mail is a bug upstream: refuse to send it. */
function checkedUrl(action: EmailAction): string {
  const url = new URL(action.url);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new Error(`Refusing to render a ${url.protocol} link in an email`);
  }
  return action.url;
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char);
}

function clip(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}
