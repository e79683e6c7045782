/**
 * Page logic for list filters kept in the URL: what the query string means for a list request,
 * and the query string of a changed filter (a new filter starts again at the first page).
 */
export type Filters = Record<string, string>;

/** Only the allowed keys with a non-empty value, in a stable order. */
export function readFilters(query: URLSearchParams, keys: readonly string[]): Filters {
  const filters: Filters = {};
  for (const key of keys) {
    const value = query.get(key)?.trim();
    if (value) filters[key] = value;
  }
  return filters;
}

/** The query string after setting `key` (empty removes it); the cursor is dropped. */
export function withFilter(query: URLSearchParams, key: string, value: string): string {
  const next = new URLSearchParams(query);
  next.delete('cursor');
  if (value.trim()) next.set(key, value.trim());
  else next.delete(key);
  const text = next.toString();
  return text ? `?${text}` : '';
}

/** The query string of the next page: the same filters and the server's cursor. */
export function withCursor(query: URLSearchParams, cursor: string | null): string {
  const next = new URLSearchParams(query);
  if (cursor) next.set('cursor', cursor);
  else next.delete('cursor');
  const text = next.toString();
  return text ? `?${text}` : '';
}

/** Minor units to a display amount: 1999 EUR → "19.99 EUR". */
export function formatMoney(amount: number, currency: string): string {
  const digits = ['JPY', 'KRW', 'VND', 'CLP', 'ISK'].includes(currency.toUpperCase()) ? 0 : 2;
  return `${(amount / 10 ** digits).toFixed(digits)} ${currency.toUpperCase()}`;
}

/** A refund amount typed by the operator ("12.50") in minor units, or null when not valid. */
export function parseAmount(text: string, currency: string): number | null {
  const digits = ['JPY', 'KRW', 'VND', 'CLP', 'ISK'].includes(currency.toUpperCase()) ? 0 : 2;
  const pattern = digits === 0 ? /^\d{1,12}$/ : /^\d{1,12}(\.\d{1,2})?$/;
  if (!pattern.test(text.trim())) return null;
  const [whole = '0', fraction = ''] = text.trim().split('.');
  const minor = Number(whole) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
  return minor > 0 ? minor : null;
}
