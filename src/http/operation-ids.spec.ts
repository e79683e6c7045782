import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { OPERATION_IDS } from './operation-ids.js';

type Paths = Record<string, Record<string, { operationId?: string }>>;

/** The committed document (CI regenerates it and fails on a diff), read as SDK generators do. */
const document = JSON.parse(
  readFileSync(new URL('../../openapi.json', import.meta.url), 'utf8'),
) as { paths: Paths };

const METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options']);
const published = Object.fromEntries(
  Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.has(method))
      .map(([method, op]) => [`${method.toUpperCase()} ${path}`, op.operationId]),
  ),
);

describe('operationIds (the method names of every generated SDK)', () => {
  it('are exactly the pinned ones: none disappears, changes or appears unpinned', () => {
    expect(published).toEqual(OPERATION_IDS);
  });

  it('are unique camelCase identifiers', () => {
    const ids = Object.values(OPERATION_IDS);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z][a-zA-Z0-9]*$/);
  });
});
