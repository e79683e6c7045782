/**
 * `attachment; filename="x.pdf"; filename*=UTF-8''x.pdf` (RFC 6266): the quoted ASCII fallback
 * for old clients, the encoded UTF-8 name for the rest. Quotes, backslashes, control characters
 * and non-ASCII never reach the quoted form.
 */
export function contentDisposition(disposition: 'inline' | 'attachment', filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\%;]/g, '_');
  const encoded = encodeURIComponent(filename).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `${disposition}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
