import fc from 'fast-check';
import type { Schema, SchemaBook } from './schema.js';

/** A JSON value (what a request body is made of). */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export type Hints = Record<string, fc.Arbitrary<Json>>;

/**
 * Values the document cannot express but the server checks (a strong password, an email, a time
 * zone it knows, "HH:MM", a currency of the allowlist), keyed by property name: without them
 * almost every "valid" body would stop at validation and the routes behind it would go untested.
 */
export const DEFAULT_HINTS: Hints = {
  email: fc
    .tuple(fc.uuid({ version: 4 }), fc.constantFrom('example.test', 'EXAMPLE.test'))
    .map(([id, domain]) => `fz-${id.slice(0, 13)}@${domain}`),
  password: fc.uuid({ version: 4 }).map((id) => `pw ${id}`),
  newPassword: fc.uuid({ version: 4 }).map((id) => `new pw ${id}`),
  currency: fc.constantFrom('usd', 'eur', 'USD'),
  timeZone: fc.constantFrom('UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata'),
  locale: fc.constantFrom('en', 'de-AT', 'fr', 'pt-BR'),
  start: hhmm(),
  end: hhmm(),
  paymentMethod: fc.constantFrom(
    'pm_card_visa',
    'pm_card_chargeDeclined',
    'pm_card_authenticationRequired',
  ),
  amount: fc.oneof(fc.integer({ min: 1, max: 100_000 }), fc.constant(1)),
  token: fc.stringMatching(/^[A-Za-z0-9:_-]{20,160}$/),
  // Keys as the server bounds them (Stripe's rule); the document says only "at most 20 keys".
  metadata: fc.dictionary(
    fc.stringMatching(/^[A-Za-z0-9_.-]{1,40}$/),
    fc.string({ maxLength: 100 }),
    {
      maxKeys: 5,
    },
  ),
};

function hhmm(): fc.Arbitrary<string> {
  return fc
    .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
    .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
}

/** Strings a user can type that have broken servers before: all valid JSON strings. */
export const UNICODE_EDGES = [
  '\ud800', // lone high surrogate
  'a\udc00b', // lone low surrogate
  'nul\u0000byte',
  '\u202eevil\u202c', // right-to-left override
  'שלום עולם', // RTL script
  '👩‍👩‍👧‍👦🏳️‍🌈', // ZWJ sequences
  'e\u0301\u0301\u0301', // stacked combining marks
  '\ufeffbom',
  'line\u2028sep',
  '\u0000',
  ' ',
  '\t\r\n',
];

/** Arbitrary of values that conform to `schema` (a few corners included: bounds, examples). */
export function valueOf(
  book: SchemaBook,
  schema: Schema,
  name?: string,
  hints: Hints = DEFAULT_HINTS,
): fc.Arbitrary<Json> {
  const s = book.flatten(schema);
  if (s.enum) return fc.constantFrom(...(s.enum as Json[]));
  // Hints are strings, numbers and objects: never for a boolean switch named like one (`email`),
  // and the push `token` hint is not a one-time token (those have a pattern of their own).
  const usable = name !== undefined && s.type !== 'boolean' && !(s.pattern && name === 'token');
  const hint = usable ? hints[name] : undefined;
  if (hint) return hint;
  const type = s.type ?? (s.properties ? 'object' : undefined);
  switch (type) {
    case undefined:
      return fc.constant({});
    case 'string':
      return stringOf(s);
    case 'number':
    case 'integer':
      return numberOf(s);
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(valueOf(book, s.items ?? {}, undefined, hints), { maxLength: 4 });
    case 'object':
      return objectOf(book, s, hints);
  }
}

function stringOf(s: Schema): fc.Arbitrary<string> {
  if (s.format === 'uuid') return fc.uuid({ version: 4 });
  if (s.format === 'date-time') {
    return fc
      .date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true })
      .map((d) => d.toISOString());
  }
  const min = s.minLength ?? 0;
  const max = Math.min(s.maxLength ?? 60, Math.max(min, 60));
  if (s.pattern) {
    const re = new RegExp(s.pattern);
    return fc.stringMatching(re).filter((v) => v.length >= min && v.length <= (s.maxLength ?? 1e9));
  }
  const candidates: fc.Arbitrary<string>[] = [
    fc.string({ minLength: min, maxLength: max }),
    fc.string({ unit: 'grapheme', minLength: min, maxLength: max }),
  ];
  if (typeof s.example === 'string') candidates.push(fc.constant(s.example));
  if (s.maxLength !== undefined) candidates.push(fc.constant('y'.repeat(s.maxLength)));
  return fc.oneof(...candidates);
}

function numberOf(s: Schema): fc.Arbitrary<number> {
  const min = s.minimum ?? 0;
  const max = s.maximum ?? 1_000_000;
  const top = Math.min(max, 2 ** 31 - 1);
  return fc.oneof(
    { weight: 4, arbitrary: fc.integer({ min, max: top }) },
    fc.constant(min),
    fc.constant(max),
  );
}

function objectOf(book: SchemaBook, s: Schema, hints: Hints): fc.Arbitrary<Json> {
  const properties = s.properties ?? {};
  const entries = Object.entries(properties).map(
    ([key, child]) => [key, valueOf(book, child, key, hints)] as const,
  );
  const record = fc.record(Object.fromEntries(entries), { requiredKeys: s.required ?? [] });
  if (typeof s.additionalProperties !== 'object') return record as fc.Arbitrary<Json>;
  const extra = fc.dictionary(
    fc.string({ minLength: 1, maxLength: 20 }),
    valueOf(book, s.additionalProperties, undefined, hints),
    { maxKeys: Math.min(s.maxProperties ?? 5, 5) },
  );
  return fc
    .tuple(record, extra)
    .map(([fixed, more]) => ({ ...more, ...fixed }) as Json) as fc.Arbitrary<Json>;
}

/** A place in a body where a mutation can go: a field (present or not) or the body itself. */
export interface Slot {
  path: string[];
  schema: Schema;
  required: boolean;
  present: boolean;
}

/** Every field of `body` and every optional one it left out, nested objects included. */
export function slotsOf(book: SchemaBook, schema: Schema, body: Json, path: string[] = []): Slot[] {
  const s = book.flatten(schema);
  const here: Slot = { path, schema: s, required: true, present: true };
  if (!s.properties || typeof body !== 'object' || body === null || Array.isArray(body)) {
    return path.length === 0 ? [here] : [];
  }
  const slots: Slot[] = path.length === 0 ? [here] : [];
  for (const [key, child] of Object.entries(s.properties)) {
    const childPath = [...path, key];
    const value = body[key];
    const required = (s.required ?? []).includes(key);
    slots.push({
      path: childPath,
      schema: book.flatten(child),
      required,
      present: value !== undefined,
    });
    if (value !== undefined) slots.push(...slotsOf(book, child, value, childPath));
  }
  return slots;
}

/** `body` with the value at `path` replaced (undefined: removed). A copy; `body` is untouched. */
export function setAt(body: Json, path: string[], value: Json | undefined): Json {
  if (path.length === 0) return value ?? null;
  const [head, ...rest] = path as [string, ...string[]];
  const base = typeof body === 'object' && body !== null && !Array.isArray(body) ? body : {};
  const copy: { [key: string]: Json } = { ...base };
  if (rest.length === 0) {
    if (value === undefined) delete copy[head];
    else copy[head] = value;
    return copy;
  }
  copy[head] = setAt(copy[head] ?? {}, rest, value);
  return copy;
}

/** A value of another JSON type than `schema` allows. */
export function wrongTypeFor(schema: Schema): fc.Arbitrary<Json> {
  const all: Json[] = [12345, 1.5, -1, 'a string', true, false, {}, [], [1, 'two'], { nested: 1 }];
  const type = schema.type ?? (schema.properties ? 'object' : undefined);
  const others = all.filter((v) => {
    switch (type) {
      case 'string':
        return typeof v !== 'string';
      case 'number':
      case 'integer':
        return typeof v !== 'number';
      case 'boolean':
        return typeof v !== 'boolean';
      case 'array':
        return !Array.isArray(v);
      case 'object':
        return typeof v !== 'object' || Array.isArray(v);
      case undefined:
        return true;
    }
  });
  return fc.constantFrom(...others);
}
