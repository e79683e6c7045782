import type { paths } from './generated/schema.js';

/** The header every money-moving POST takes (see the README: "Paying from a mobile app"). */
export const IDEMPOTENCY_KEY = 'Idempotency-Key';
type IdempotencyKey = typeof IDEMPOTENCY_KEY;
type KeyedOperation = { parameters: { header: { [K in IdempotencyKey]: string } } };

/** POST paths whose operation requires an `Idempotency-Key` header, read from the document. */
export type IdempotentPostPath = {
  [P in keyof paths]: paths[P] extends { post: KeyedOperation } ? P : never;
}[keyof paths];

type RelaxedHeader<H> = Omit<H, IdempotencyKey> & { [K in IdempotencyKey]?: string };

/**
 * The key becomes optional: the client generates one per call (and reuses it on its own retries).
 * The header object itself stays required only if some other header still is.
 */
type RelaxedParameters<P extends { header: object }> = Omit<P, 'header'> &
  (Partial<Omit<P['header'], IdempotencyKey>> extends Omit<P['header'], IdempotencyKey>
    ? { header?: RelaxedHeader<P['header']> }
    : { header: RelaxedHeader<P['header']> });

type Relaxed<Op> = Op extends KeyedOperation
  ? Omit<Op, 'parameters'> & { parameters: RelaxedParameters<Op['parameters']> }
  : Op;

/** The generated `paths`, with `Idempotency-Key` optional where the client supplies it. */
export type ApiPaths = {
  [P in keyof paths]: { [M in keyof paths[P]]: Relaxed<paths[P][M]> };
};
