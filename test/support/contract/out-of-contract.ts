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
    pattern: /^\/admin\/queues(\/.*)?$/,
    reason: 'bull-board dashboard: HTML and its own JSON API for operators, not for the apps',
  },
];

export function outOfContract(pathname: string): boolean {
  return OUT_OF_CONTRACT.some((entry) => entry.pattern.test(pathname));
}
