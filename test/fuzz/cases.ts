import fc from 'fast-check';
import {
  DEFAULT_HINTS,
  setAt,
  slotsOf,
  UNICODE_EDGES,
  valueOf,
  wrongTypeFor,
  type Hints,
  type Json,
  type Slot,
} from './generators.js';
import type {
  OpenApiDocument,
  OperationObject,
  ParameterObject,
  Schema,
  SchemaBook,
} from './schema.js';

/** Who sends a request: the operation's natural caller, nobody, or a forged credential. */
export type Actor = 'caller' | 'none' | 'forged';

export interface Operation {
  /** `METHOD /template`, e.g. `GET /api/v1/payments/{id}`. */
  key: string;
  method: string;
  template: string;
  spec: OperationObject;
  secured: boolean;
  body?: Schema;
}

/** One request, as data: printable as a curl line and replayable. */
export interface FuzzCase {
  op: Operation;
  /** What was done to a valid request (`valid` when nothing). */
  kind: string;
  actor: Actor;
  /** Concrete path with its query string, already percent-encoded. */
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** The request breaks the document: answering 2xx to it is a finding. */
  specInvalid: boolean;
}

/** What the suite knows of the app's state: real ids to aim at and values the server expects. */
export interface Fixtures {
  /** Real ids for a path parameter of a template (the caller's own resources). */
  pathIds(template: string): string[];
  hints: Hints;
}

export function operationsOf(doc: OpenApiDocument): Operation[] {
  const ops: Operation[] = [];
  for (const [template, item] of Object.entries(doc.paths)) {
    for (const [method, spec] of Object.entries(item)) {
      const secured = (spec.security ?? []).some((req) => Object.keys(req).length > 0);
      const body = spec.requestBody?.content['application/json']?.schema;
      ops.push({
        key: `${method.toUpperCase()} ${template}`,
        method: method.toUpperCase(),
        template,
        spec,
        secured,
        ...(body ? { body } : {}),
      });
    }
  }
  return ops;
}

/** Ids that are not ids: all valid for a `type: string` path parameter, none a real resource. */
export const BAD_IDS = [
  'not-an-id',
  '00000000-0000-0000-0000-000000000000',
  'f47ac10b-58cc-11e4-8b7c-0800200c9a66', // a version-1 UUID
  'FFFFFFFF-FFFF-4FFF-BFFF-FFFFFFFFFFFF',
  '%00',
  '%ED%A0%80', // a lone surrogate, UTF-8 encoded (invalid UTF-8)
  '%F0%9F%98%80',
  '1%20OR%201%3D1',
  '..%2F..%2Fhealth%2Fready',
  'x'.repeat(2000),
  '-1',
  '%25',
];

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

/** Cursors the API never issued. */
export const BAD_CURSORS = [
  '%00',
  '%ED%A0%80',
  'not%20base64%20!!',
  b64('[1,2]'),
  b64('{"createdAt":"2020-01-01","id":"x"}'),
  b64('["2020-01-01T00:00:00.000000Z","not-a-uuid"]'),
  b64('["9999-99-99T99:99:99.999999Z","3f0c8a4e-8b7a-4d1e-9c1a-2b3c4d5e6f70"]'),
  b64('["0000-01-01T00:00:00.000000Z","3f0c8a4e-8b7a-4d1e-9c1a-2b3c4d5e6f70"]'),
  b64(`${'['.repeat(1500)}${']'.repeat(1500)}`).slice(0, 200),
  b64('null'),
  'c'.repeat(201),
];

const NUMBER_QUERY_VALUES = [
  '0',
  '101',
  '-1',
  'abc',
  '1.5',
  '1e3',
  '',
  '99999999999999999999',
  'NaN',
];

/** The deepest nesting we send: the crash was at 1,500 levels. */
export const DEEP = 1500;
const DEEP_JSON = `${'['.repeat(DEEP)}${']'.repeat(DEEP)}`;
const DEEP_MARK = '__fuzz_deep__';

const encode = (value: string) => {
  try {
    return encodeURIComponent(value);
  } catch {
    return encodeURIComponent(value.replace(/[\ud800-\udfff]/g, '?'));
  }
};

interface Parts {
  pathValues: Record<string, string>;
  query: Array<[string, string]>;
  headers: Record<string, string>;
  body?: Json;
}

/** Arbitrary of request cases for one operation: valid ones and every kind of mutation. */
export function casesFor(
  book: SchemaBook,
  op: Operation,
  fixtures: Fixtures,
): fc.Arbitrary<FuzzCase> {
  const params = op.spec.parameters ?? [];
  const valid = validParts(book, op, params, fixtures);
  const build = (parts: Parts, kind: string, specInvalid: boolean, extra: Partial<FuzzCase> = {}) =>
    toCase(op, parts, kind, specInvalid, extra);
  const mutations: Array<fc.WeightedArbitrary<FuzzCase>> = [
    { weight: 4, arbitrary: valid.map((p) => build(p, 'valid', false)) },
    { weight: 2, arbitrary: valid.chain((p) => pathMutation(op, params, p, build)) },
    { weight: 2, arbitrary: valid.chain((p) => headerMutation(op, params, p, build)) },
  ];
  if (params.some((p) => p.in === 'query')) {
    mutations.push({
      weight: 2,
      arbitrary: valid.chain((p) => queryMutation(book, params, p, build)),
    });
  }
  if (op.body) {
    const schema = op.body;
    mutations.push({
      weight: 6,
      arbitrary: valid.chain((p) => bodyMutation(book, schema, p, build)),
    });
  }
  return fc.oneof(...mutations);
}

type Build = (
  parts: Parts,
  kind: string,
  specInvalid: boolean,
  extra?: Partial<FuzzCase>,
) => FuzzCase;

const CONDITIONAL_HEADERS = new Set(['If-Match', 'If-None-Match']);
/** An optional header left out (fc.option's nil; a string so the record stays string-typed). */
const NO_HEADER = '\u0000none';

function validParts(
  book: SchemaBook,
  op: Operation,
  params: ParameterObject[],
  fixtures: Fixtures,
): fc.Arbitrary<Parts> {
  const hints = { ...DEFAULT_HINTS, ...fixtures.hints };
  const pathArbs: Record<string, fc.Arbitrary<string>> = {};
  for (const p of params.filter((x) => x.in === 'path')) {
    const real = fixtures.pathIds(op.template);
    const schema = book.flatten(p.schema);
    pathArbs[p.name] = schema.enum
      ? fc.constantFrom(...(schema.enum as string[]))
      : fc.oneof(
          {
            weight: 3,
            arbitrary: real.length > 0 ? fc.constantFrom(...real) : fc.uuid({ version: 4 }),
          },
          { weight: 1, arbitrary: fc.uuid({ version: 4 }) },
        );
  }
  const queryArbs = params
    .filter((p) => p.in === 'query')
    .map((p) =>
      // A valid cursor is one the API issued: the mutations send the others.
      (p.name === 'cursor' && !p.required
        ? fc.constant(undefined)
        : fc.option(valueOf(book, p.schema, p.name, hints), { nil: undefined, freq: 2 })
      ).map((v) =>
        v === undefined ? undefined : ([p.name, encode(String(v))] as [string, string]),
      ),
    );
  const headerArbs: Record<string, fc.Arbitrary<string>> = {};
  for (const p of params.filter((x) => x.in === 'header')) {
    if (p.name === 'Idempotency-Key') {
      headerArbs[p.name] = fc.uuid({ version: 4 });
      continue;
    }
    // Conditional requests (sync documents): entity tags the server issues, sometimes none.
    const value = CONDITIONAL_HEADERS.has(p.name)
      ? fc.constantFrom('"1"', '"2"', 'W/"1"', '*', '"x"')
      : fc.stringMatching(/^[\x21-\x7e]{1,60}$/);
    headerArbs[p.name] = p.required ? value : fc.option(value, { nil: NO_HEADER, freq: 2 });
  }
  const body = op.body ? valueOf(book, op.body, undefined, hints) : fc.constant(undefined);
  return fc
    .record({
      pathValues: fc.record(pathArbs),
      query: fc.tuple(...queryArbs),
      headers: fc.record(headerArbs),
      body,
    })
    .map(({ pathValues, query, headers, body: b }) => ({
      pathValues,
      query: query.filter((q): q is [string, string] => q !== undefined),
      headers: Object.fromEntries(Object.entries(headers).filter(([, v]) => v !== NO_HEADER)),
      ...(b !== undefined ? { body: b } : {}),
    }));
}

function toCase(
  op: Operation,
  parts: Parts,
  kind: string,
  specInvalid: boolean,
  extra: Partial<FuzzCase>,
): FuzzCase {
  const path = op.template.replace(
    /\{([^}]+)\}/g,
    (_, name: string) => parts.pathValues[name] ?? '',
  );
  const qs = parts.query.map(([k, v]) => `${k}=${v}`).join('&');
  const headers: Record<string, string> = { ...parts.headers };
  let body: string | undefined;
  if (parts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(parts.body);
  }
  return {
    op,
    kind,
    actor: 'caller',
    url: qs ? `${path}?${qs}` : path,
    headers,
    ...(body !== undefined ? { body } : {}),
    specInvalid,
    ...extra,
  };
}

function pathMutation(op: Operation, params: ParameterObject[], parts: Parts, build: Build) {
  const pathParams = params.filter((p) => p.in === 'path');
  if (pathParams.length === 0) return fc.constant(build(parts, 'valid', false));
  return fc.constantFrom(...BAD_IDS).map((bad) => {
    const pathValues = { ...parts.pathValues };
    let specInvalid = false;
    for (const p of pathParams) {
      pathValues[p.name] = bad;
      if (p.schema.enum) specInvalid = true;
    }
    return build({ ...parts, pathValues }, 'bad-path-id', specInvalid);
  });
}

function queryMutation(book: SchemaBook, params: ParameterObject[], parts: Parts, build: Build) {
  const queryParams = params.filter((p) => p.in === 'query');
  return fc.constantFrom(...queryParams).chain((p) => {
    const schema = book.flatten(p.schema);
    const values =
      p.name === 'cursor'
        ? BAD_CURSORS
        : schema.type === 'number' || schema.type === 'integer'
          ? NUMBER_QUERY_VALUES
          : ['NOT_IN_ENUM', 'yes', '', '%00', '%ED%A0%80', 'q'.repeat(300), 'not-a-uuid'];
    return fc.oneof(
      fc.constantFrom(...values).map((raw) => {
        const query = parts.query.filter(([k]) => k !== p.name);
        query.push([p.name, raw]);
        const invalid = book.validate(p.schema, coerceQuery(schema, raw)).length > 0;
        return build({ ...parts, query }, `bad-query-${p.name}`, invalid);
      }),
      fc.constant(
        build(
          { ...parts, query: [...parts.query, [p.name, '1'], [p.name, '2']] },
          `repeated-query-${p.name}`,
          true,
        ),
      ),
    );
  });
}

/** A query value as the document reads it: numbers and booleans parsed, the rest decoded. */
function coerceQuery(schema: Schema, raw: string): unknown {
  let text: string;
  try {
    text = decodeURIComponent(raw);
  } catch {
    return { undecodable: raw };
  }
  if (schema.type === 'number' || schema.type === 'integer') {
    return /^-?\d+(\.\d+)?(e\d+)?$/i.test(text) ? Number(text) : text;
  }
  if (schema.type === 'boolean') return text === 'true' ? true : text === 'false' ? false : text;
  return text;
}

const FORGED_AUTH = [
  'Bearer garbage',
  'Bearer ',
  'Basic Zm9vOmJhcg==',
  'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.',
  'bearer',
];

function headerMutation(op: Operation, params: ParameterObject[], parts: Parts, build: Build) {
  const arbs: fc.Arbitrary<FuzzCase>[] = [
    fc
      .constantFrom(
        'r'.repeat(5000),
        'with space',
        'caf\u00e9',
        '<script>alert(1)</script>',
        '',
        '%00',
      )
      .map((id) =>
        build(
          { ...parts, headers: { ...parts.headers, 'X-Request-Id': id } },
          'x-request-id',
          false,
        ),
      ),
    fc
      .constantFrom('application/xml', 'text/html', '*/*;q=0', 'application/problem+json')
      .map((accept) =>
        build({ ...parts, headers: { ...parts.headers, Accept: accept } }, 'accept', false),
      ),
  ];
  if (op.secured) {
    arbs.push(
      fc.constantFrom(...FORGED_AUTH).map((auth) =>
        build(
          { ...parts, headers: { ...parts.headers, Authorization: auth } },
          'forged-auth',
          true,
          {
            actor: 'forged',
          },
        ),
      ),
      fc.constant(build(parts, 'no-user', true, { actor: 'none' })),
    );
  }
  if (params.some((p) => p.name === 'Idempotency-Key')) {
    arbs.push(
      fc.constantFrom(undefined, '', 'k'.repeat(256), 'has space', 'cl\u00e9', '\t').map((key) => {
        const headers = { ...parts.headers };
        if (key === undefined) delete headers['Idempotency-Key'];
        else headers['Idempotency-Key'] = key;
        return build({ ...parts, headers }, 'bad-idempotency-key', true);
      }),
    );
  }
  if (op.body) {
    arbs.push(contentTypeMutation(parts, build));
  }
  return fc.oneof(...arbs);
}

function contentTypeMutation(parts: Parts, build: Build) {
  return fc
    .constantFrom(
      'text/plain',
      'application/xml',
      'application/x-www-form-urlencoded',
      'application/json; charset=utf-16',
      'multipart/form-data; boundary=x',
      'application/json; charset=utf-8',
      'none',
    )
    .map((type) => {
      const c = build(
        parts,
        `content-type ${type}`,
        !type.startsWith('application/json; charset=utf-8'),
      );
      if (type === 'none') {
        delete c.headers['Content-Type'];
        return c;
      }
      c.headers['Content-Type'] = type;
      if (type === 'application/x-www-form-urlencoded' && isObject(parts.body)) {
        c.body = new URLSearchParams(
          Object.entries(parts.body).map(([k, v]): [string, string] => [
            k,
            typeof v === 'string' ? v : JSON.stringify(v),
          ]),
        ).toString();
      }
      return c;
    });
}

function isObject(v: Json | undefined): v is { [key: string]: Json } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function bodyMutation(
  book: SchemaBook,
  schema: Schema,
  parts: Parts,
  build: Build,
): fc.Arbitrary<FuzzCase> {
  const body = parts.body ?? {};
  const slots = slotsOf(book, schema, body);
  const fields = slots.filter((s) => s.path.length > 0);
  const invalid = (json: Json) => book.validate(schema, json).length > 0;
  const withBody = (json: Json, kind: string) =>
    build({ ...parts, body: json }, kind, invalid(json));
  const raw = (text: string, kind: string, specInvalid: boolean) => {
    const c = build(parts, kind, specInvalid);
    c.headers['Content-Type'] = 'application/json';
    c.body = text;
    return c;
  };
  const deepAt = (path: string[], kind: string) => {
    const marked = setAt(body, path, DEEP_MARK);
    // Judged with a shallow array in the deep one's place: the same verdict, no recursion.
    const specInvalid = invalid(setAt(body, path, [[[]]]));
    return raw(JSON.stringify(marked).replace(`"${DEEP_MARK}"`, DEEP_JSON), kind, specInvalid);
  };
  const arbs: fc.Arbitrary<FuzzCase>[] = [
    fc
      .constantFrom<Json>([], 'text', 42, null, true, [body])
      .map((json) => withBody(json, 'body-not-object')),
    fc
      .constantFrom('{"broken":', '{', '{"a":1,}', "{'single':1}", '\u0000', '{"a":NaN}')
      .map((text) => raw(text, 'broken-json', true)),
    // An empty JSON body reads as `{}`: invalid only where something is required.
    fc.constant(raw('', 'empty-body', invalid({}))),
    fc.constant(deepAt(['fuzzDeep'], 'deep-nesting-unknown-field')),
    fc
      .constantFrom('__proto__', 'constructor', 'fuzzExtra', 'prototype')
      .map((key) =>
        raw(
          JSON.stringify(body).replace(/^\{/, `{"${key}":{"isAdmin":true},`).replace(',}', '}'),
          'extra-field',
          true,
        ),
      ),
  ];
  if (fields.length > 0) arbs.push(fieldMutation(fields, body, withBody, deepAt));
  return fc.oneof(...arbs);
}

function fieldMutation(
  fields: Slot[],
  body: Json,
  withBody: (json: Json, kind: string) => FuzzCase,
  deepAt: (path: string[], kind: string) => FuzzCase,
): fc.Arbitrary<FuzzCase> {
  return fc.constantFrom(...fields).chain((slot) => {
    const at = (value: Json | undefined, kind: string) =>
      withBody(setAt(body, slot.path, value), kind);
    const s = slot.schema;
    const arbs: fc.Arbitrary<FuzzCase>[] = [
      fc.constant(at(null, slot.present ? 'null' : 'null-in-optional-field')),
      wrongTypeFor(s).map((v) => at(v, 'wrong-type')),
      fc.constant(deepAt(slot.path, 'deep-nesting')),
      fc.constant(
        at(
          Array.from({ length: 20_000 }, (_, i) => i % 10),
          'huge-array',
        ),
      ),
      fc.constant(at({ fuzzExtra: 1 }, 'extra-nested-field')),
    ];
    if (slot.required && slot.present) arbs.push(fc.constant(at(undefined, 'missing-required')));
    if (s.type === 'string' || s.enum) {
      arbs.push(
        fc.constantFrom(...UNICODE_EDGES).map((v) => at(v, 'unicode')),
        fc
          .constantFrom((s.maxLength ?? 5000) + 1, 90_000, 150_000)
          .map((n) => at('x'.repeat(n), 'huge-string')),
        fc.constant(at('', 'empty-string')),
        fc
          .constantFrom('NOT_IN_ENUM', 'USER', ' user')
          .map((v) => at(v, 'enum-or-pattern-violation')),
      );
    }
    if (s.type === 'number' || s.type === 'integer') {
      const edges = [
        -1,
        0,
        1.5,
        -0,
        1e308,
        2 ** 53 + 1,
        (s.maximum ?? 1e9) + 1,
        (s.minimum ?? 0) - 1,
      ];
      arbs.push(fc.constantFrom(...edges).map((v) => at(v, 'number-edge')));
    }
    return fc.oneof(...arbs);
  });
}
