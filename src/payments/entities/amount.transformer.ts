import type { ValueTransformer } from 'typeorm';
import { amountFromDb } from '../domain/money.js';

/** bigint columns as exact JS numbers (amounts are bounded far below 2^53, see money.ts). */
export const amountTransformer: ValueTransformer = {
  to: (value: number | undefined) => value,
  from: (value: string | null) => (value === null ? null : amountFromDb(value)),
};
