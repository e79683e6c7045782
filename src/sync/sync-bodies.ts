import type { AppConfig } from '../config/index.js';
import { INPUT_LIMITS } from '../http/input-limits.js';
import type { RouteBody } from '../http/route-bodies.js';

/**
 * Users' own JSON is the point of sync: a document's value may be SYNC_MAX_VALUE_BYTES, richer
 * than the global INPUT_LIMITS allow (more keys, longer strings), and a batch carries many. The
 * bounds stay finite so a hostile body still costs a bounded parse (~1.2 µs per distinct key).
 */
export function syncRouteBodies(config: AppConfig): RouteBody[] {
  const { maxDocumentBodyBytes, maxBatchBytes } = config.sync;
  const shape = (keys: number) => ({
    depth: 2 * INPUT_LIMITS.depth,
    arrayLength: Math.max(INPUT_LIMITS.arrayLength, keys),
    keys,
    values: 4 * keys,
    // Longer than any value may be, so that the value rule (413 naming it) answers, not this.
    stringLength: Math.max(INPUT_LIMITS.stringLength, maxDocumentBodyBytes),
  });
  return [
    {
      method: 'PUT',
      path: /^\/api\/v1\/sync\/documents\/[^/]+\/[^/]+$/,
      limitBytes: maxDocumentBodyBytes,
      shape: shape(20_000),
    },
    {
      method: 'POST',
      path: /^\/api\/v1\/sync\/mutations$/,
      limitBytes: maxBatchBytes,
      shape: shape(100_000),
    },
  ];
}
