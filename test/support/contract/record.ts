import { contractViolations, sseEventViolations, type SeenResponse } from './check.js';

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

/** Records the violations of one server-sent event read from `url`. */
export function recordSseEvent(url: string, event: string, data: string): void {
  const path = new URL(url, 'http://localhost').pathname;
  for (const violation of sseEventViolations(url, event, data)) {
    pending.push(`GET ${path} (event stream): ${violation}`);
  }
}

export function takeViolations(): string[] {
  return pending.splice(0);
}
