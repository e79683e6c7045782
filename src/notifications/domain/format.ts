/**
 * Locale-aware formatting for templates. `locale` is the user's own tag (e.g. `en-GB`), not
 * the bundle it fell back to, so an Austrian user reading German text still sees Austrian
 * number and date conventions.
 */

/** The user's tag if ICU understands it, else the bundle locale. */
export function formattingLocale(requested: string | null | undefined, fallback: string): string {
  if (!requested) return fallback;
  try {
    return Intl.getCanonicalLocales(requested)[0] ?? fallback;
  } catch {
    return fallback;
  }
}

/**
 * Formats integer minor units (1999 USD → $19.99, 500 JPY → ¥500). The currency's own
 * fraction digits, as ICU knows them, decide the divisor; a malformed code throws RangeError,
 * since amounts are validated long before a notification is rendered.
 */
export function formatMoney(amountMinor: number, currency: string, locale: string): string {
  const format = new Intl.NumberFormat(locale, {
    style: 'currency',
    currency: currency.toUpperCase(),
  });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(amountMinor / 10 ** digits);
}

/** Date and time with the zone named, because a mail is read long after and far away. */
export function formatDateTime(at: string, locale: string, timeZone: string): string {
  return new Intl.DateTimeFormat(locale, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    timeZone,
    timeZoneName: 'short',
  }).format(new Date(at));
}
