import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

/** The committed document (`npm run openapi` writes it; CI fails on a stale one). */
const DOCUMENT_URL = new URL('../../../openapi.json', import.meta.url);
const DOC_ID = 'https://contract.test/openapi.json';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface ResponseObject {
  description?: string;
  headers?: Record<string, { required?: boolean; schema?: JsonObject }>;
  content?: Record<string, { schema?: JsonObject }>;
}
export interface OperationObject {
  operationId?: string;
  responses: Record<string, ResponseObject>;
}
export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, OperationObject>>;
  components: { schemas: Record<string, JsonObject> };
}

export const document = JSON.parse(readFileSync(DOCUMENT_URL, 'utf8')) as OpenApiDocument;

/**
 * Every object schema is read as closed: a field the document does not name is a finding, as a
 * generated client would drop it. `unevaluatedProperties` (not `additionalProperties`) so that
 * properties declared through allOf/$ref count as declared.
 */
function closed(node: Json): Json {
  if (Array.isArray(node)) return node.map(closed);
  if (node === null || typeof node !== 'object') return node;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    // Example values and enums are data, not schemas.
    out[key] = key === 'example' || key === 'enum' || key === 'default' ? value : closed(value);
  }
  if (typeof out.$ref === 'string' && out.$ref.startsWith('#/')) out.$ref = DOC_ID + out.$ref;
  const types = Array.isArray(out.type) ? out.type : [out.type];
  const isObject = types.includes('object') || out.properties !== undefined;
  if (isObject && out.additionalProperties === undefined) out.unevaluatedProperties = false;
  return out;
}

// ajv-formats is CommonJS: its default export arrives wrapped under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule })
  .default ?? addFormatsModule) as unknown as (ajv: Ajv2020) => Ajv2020;

const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
addFormats(ajv);
ajv.addSchema({ $id: DOC_ID, components: closed(document.components as unknown as Json) });

const compiled = new Map<string, ValidateFunction>();

/** A validator of one response schema, compiled once per key. */
export function validatorFor(key: string, schema: JsonObject): ValidateFunction {
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv.compile(closed(schema) as JsonObject);
    compiled.set(key, validate);
  }
  return validate;
}

const templates = Object.keys(document.paths).map((template) => ({
  template,
  pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
}));

/** The document's path template that `pathname` instantiates, if any. */
export function templateOf(pathname: string): string | undefined {
  return templates.find((t) => t.pattern.test(pathname))?.template;
}
