import { contractViolations, type SeenResponse } from './check.js';

/** Violations seen since the last check, as `METHOD path → status: what`. */
const pending: string[] = [];

/** Records the violations of one response; the running test fails at its end. */
export function recordResponse(res: SeenResponse): void {
  for (const violation of contractViolations(res)) {
    pending.push(
      `${res.method} ${new URL(res.url, 'http://localhost').pathname} → ${res.status}: ${violation}`,
    );
  }
}

export function takeViolations(): string[] {
  return pending.splice(0);
}
