/** Pending uploads created before this instant are abandoned: the sweeper deletes them. */
export function abandonedBefore(now: Date, pendingTtlMs: number): Date {
  return new Date(now.getTime() - pendingTtlMs);
}
