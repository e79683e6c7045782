const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The one UUID check (any version: ids come from PostgreSQL's gen_random_uuid()). */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
