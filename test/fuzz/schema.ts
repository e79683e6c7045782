/**
 * The subset of OpenAPI 3.0 schemas our document uses, read two ways: flattened (refs followed,
 * allOf merged, `nullable` kept from either side) for the generators, and as a validator of
 * response bodies. Written here rather than taken from ajv because OpenAPI 3.0's `nullable` on a
 * schema whose only content is an `allOf` of a `$ref` (how @nestjs/swagger writes an optional
 * nested DTO) is not JSON Schema, and because the response check must treat every object without
 * `additionalProperties` as closed: a field the document does not name is a finding.
 */
export interface Schema {
  $ref?: string;
  type?: 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array';
  format?: string;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  allOf?: Schema[];
  nullable?: boolean;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  pattern?: string;
  additionalProperties?: boolean | Schema;
  maxProperties?: number;
  example?: unknown;
  default?: unknown;
  description?: string;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, OperationObject>>;
  components: { schemas: Record<string, Schema> };
}

export interface ParameterObject {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema: Schema;
}

export interface OperationObject {
  operationId?: string;
  parameters?: ParameterObject[];
  requestBody?: { required?: boolean; content: Record<string, { schema: Schema }> };
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
  security?: Array<Record<string, string[]>>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const EMAIL = /^[^\s@]+@[^\s@]+$/;

export class SchemaBook {
  constructor(private readonly doc: OpenApiDocument) {}

  /** Refs followed and allOf merged, so a generator sees one plain schema. */
  flatten(schema: Schema): Schema {
    const own = schema.$ref ? this.byRef(schema.$ref) : schema;
    if (!own.allOf) return schema.nullable ? { ...own, nullable: true } : own;
    const { allOf, ...rest } = own;
    let merged: Schema = { ...rest };
    for (const part of allOf) merged = mergeSchemas(merged, this.flatten(part));
    if (schema.nullable || own.nullable) merged.nullable = true;
    return merged;
  }

  private byRef(ref: string): Schema {
    const name = ref.replace('#/components/schemas/', '');
    const found = this.doc.components.schemas[name];
    if (!found) throw new Error(`unresolved $ref ${ref}`);
    return this.flatten(found);
  }

  /** Every way `value` departs from `schema`, as `path: message`; empty when it conforms. */
  validate(schema: Schema, value: unknown, path = '$'): string[] {
    const s = this.flatten(schema);
    if (value === null) return s.nullable ? [] : [`${path}: null but not nullable`];
    if (value === undefined) return [`${path}: missing`];
    if (s.enum && !s.enum.includes(value)) return [`${path}: ${show(value)} not in enum`];
    const type = s.type ?? (s.properties ? 'object' : undefined);
    switch (type) {
      case undefined:
        return [];
      case 'string':
        return this.validateString(s, value, path);
      case 'number':
      case 'integer':
        return validateNumber(s, value, path);
      case 'boolean':
        return typeof value === 'boolean' ? [] : [`${path}: ${show(value)} is not a boolean`];
      case 'array':
        if (!Array.isArray(value)) return [`${path}: not an array`];
        return value.flatMap((item, i) => this.validate(s.items ?? {}, item, `${path}[${i}]`));
      case 'object':
        return this.validateObject(s, value, path);
    }
  }

  private validateString(s: Schema, value: unknown, path: string): string[] {
    if (typeof value !== 'string') return [`${path}: ${show(value)} is not a string`];
    const errors: string[] = [];
    if (s.format === 'uuid' && !UUID.test(value)) errors.push(`${path}: not a uuid`);
    if (s.format === 'email' && !EMAIL.test(value)) errors.push(`${path}: not an email`);
    if (s.format === 'date-time' && (!DATE_TIME.test(value) || Number.isNaN(Date.parse(value)))) {
      errors.push(`${path}: ${show(value)} is not a date-time`);
    }
    if (s.minLength !== undefined && value.length < s.minLength) errors.push(`${path}: too short`);
    if (s.maxLength !== undefined && value.length > s.maxLength) errors.push(`${path}: too long`);
    if (s.pattern !== undefined && !new RegExp(s.pattern).test(value)) {
      errors.push(`${path}: does not match ${s.pattern}`);
    }
    return errors;
  }

  private validateObject(s: Schema, value: unknown, path: string): string[] {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return [`${path}: not an object`];
    }
    const record = value as Record<string, unknown>;
    const properties = s.properties ?? {};
    const errors: string[] = [];
    for (const name of s.required ?? []) {
      if (record[name] === undefined) errors.push(`${path}.${name}: required but missing`);
    }
    for (const [name, field] of Object.entries(record)) {
      const declared = properties[name];
      if (declared) {
        errors.push(...this.validate(declared, field, `${path}.${name}`));
      } else if (typeof s.additionalProperties === 'object') {
        errors.push(...this.validate(s.additionalProperties, field, `${path}.${name}`));
      } else if (s.additionalProperties !== true) {
        errors.push(`${path}.${name}: not in the document`);
      }
    }
    if (s.maxProperties !== undefined && Object.keys(record).length > s.maxProperties) {
      errors.push(`${path}: more than ${s.maxProperties} properties`);
    }
    return errors;
  }
}

function validateNumber(s: Schema, value: unknown, path: string): string[] {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    return [`${path}: ${show(value)} is not a number`];
  }
  const errors: string[] = [];
  if (s.type === 'integer' && !Number.isInteger(value)) errors.push(`${path}: not an integer`);
  if (s.minimum !== undefined && value < s.minimum) errors.push(`${path}: below ${s.minimum}`);
  if (s.maximum !== undefined && value > s.maximum) errors.push(`${path}: above ${s.maximum}`);
  return errors;
}

function mergeSchemas(a: Schema, b: Schema): Schema {
  return {
    ...b,
    ...a,
    type: a.type ?? b.type,
    properties: a.properties || b.properties ? { ...b.properties, ...a.properties } : undefined,
    required: [...(b.required ?? []), ...(a.required ?? [])],
  };
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

const NOT_SCHEMAS = new Set(['example', 'examples', 'enum', 'default', 'const']);

/**
 * The document is OpenAPI 3.1 (JSON Schema nullability); this reader speaks 3.0's `nullable`.
 * `type: [t, 'null']`, `anyOf: [X, { type: 'null' }]` and a `null` enum member become `nullable`.
 */
export function fromOas31<T>(node: T): T {
  if (Array.isArray(node)) return node.map(fromOas31) as T;
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    out[key] = NOT_SCHEMAS.has(key) ? value : fromOas31(value);
  }
  if (Array.isArray(out.type)) {
    const types = out.type as string[];
    if (types.includes('null')) out.nullable = true;
    out.type = types.find((t) => t !== 'null');
  }
  if (Array.isArray(out.anyOf)) {
    const parts = out.anyOf as Array<Record<string, unknown>>;
    const rest = parts.filter((p) => p.type !== 'null');
    if (rest.length === 1 && rest.length < parts.length) {
      delete out.anyOf;
      out.allOf = rest;
      out.nullable = true;
    }
  }
  if (Array.isArray(out.enum) && out.enum.includes(null)) {
    out.enum = out.enum.filter((v) => v !== null);
    out.nullable = true;
  }
  return out as T;
}
