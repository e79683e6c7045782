import { z } from 'zod';

/** "true"/"false"/"1"/"0" from the environment. */
export const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

export const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** A URL whose protocol matches, e.g. /^postgres(ql)?:$/. */
export const url = (protocols: RegExp) =>
  z.string().refine((v) => {
    try {
      return protocols.test(new URL(v).protocol);
    } catch {
      return false;
    }
  }, 'must be a valid URL');

/** A comma-separated list, trimmed, empties dropped. */
export const list = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);

/** The parsed type of a fragment of the env schema. */
export type EnvOf<S extends z.ZodRawShape> = z.infer<z.ZodObject<S>>;
