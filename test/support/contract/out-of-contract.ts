/**
 * Responses the document does not describe, on purpose. Anything else the tests reach that has
 * no path in the document is a finding.
 */
export const OUT_OF_CONTRACT: ReadonlyArray<{ pattern: RegExp; reason: string }> = [
  {
    pattern: /^\/docs(-json|-yaml)?(\/.*)?$/,
    reason: 'Swagger UI and the document itself: they describe the contract, not part of it',
  },
  {
    pattern: /^\/admin\/api\/session$/,
    reason: "the admin console's own sign-in (a cookie session for its page), not the apps' API",
  },
  {
    pattern: /^\/admin(\/(?!api\/v1\/).*)?$/,
    reason: 'the admin console page and its assets (HTML, JS, CSS)',
  },
  {
    pattern: /^\/admin\/queues(\/.*)?$/,
    reason: 'bull-board dashboard: HTML and its own JSON API for operators, not for the apps',
  },
];

/**
 * The console forwards `/admin/api/v1/*` to `/api/v1/*` (src/ops/console): the same operations,
 * checked against the same document.
 */
export function contractPathOf(pathname: string): string {
  return pathname.startsWith('/admin/api/v1/') ? pathname.slice('/admin'.length) : pathname;
}

export function outOfContract(pathname: string): boolean {
  return OUT_OF_CONTRACT.some((entry) => entry.pattern.test(pathname));
}
