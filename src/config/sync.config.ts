import { int, type EnvOf } from './env.helpers.js';

const KIB = 1024;
const MIB = 1024 * KIB;

/** Variables of the sync module (documents, change feed, offline mutation batches). */
export const syncEnv = {
  /** A document's value as JSON text, in bytes. */
  SYNC_MAX_VALUE_BYTES: int(1, 16 * MIB).default(64 * KIB),
  /** Live (not deleted) documents per user. */
  SYNC_MAX_DOCUMENTS: int(1, 10_000_000).default(10_000),
  /** Bytes of all a user's live values together. */
  SYNC_MAX_BYTES_PER_USER: int(1, 1024 * MIB).default(50 * MIB),
  /** Mutations in one POST /sync/mutations batch. */
  SYNC_MAX_BATCH_MUTATIONS: int(1, 10_000).default(500),
  /** Body of one POST /sync/mutations request, in bytes (a larger batch is split by the client). */
  SYNC_MAX_BATCH_BYTES: int(1 * KIB, 256 * MIB).default(4 * MIB),
  /** How long a tombstone (a deleted document) stays in the change feed. */
  SYNC_TOMBSTONE_RETENTION_DAYS: int(1, 3650).default(30),
  /** How long a mutation's result is kept for replaying a retried batch. */
  SYNC_MUTATION_RETENTION_DAYS: int(1, 3650).default(30),
  /** How often the purge of old tombstones and mutation results runs (once across workers). */
  SYNC_PURGE_EVERY_MS: int(1_000, 7 * 24 * 3_600_000).default(3_600_000),
};

type SyncEnv = EnvOf<typeof syncEnv>;

export function syncConfig(env: SyncEnv) {
  return {
    maxValueBytes: env.SYNC_MAX_VALUE_BYTES,
    maxDocuments: env.SYNC_MAX_DOCUMENTS,
    maxBytesPerUser: env.SYNC_MAX_BYTES_PER_USER,
    maxBatchMutations: env.SYNC_MAX_BATCH_MUTATIONS,
    maxBatchBytes: env.SYNC_MAX_BATCH_BYTES,
    /**
     * Body of a document PUT: a value at the limit written with whitespace or `\u` escapes is
     * answered by the value rule (413 naming it), not by the parser.
     */
    maxDocumentBodyBytes: 2 * env.SYNC_MAX_VALUE_BYTES + 4 * KIB,
    tombstoneRetentionMs: env.SYNC_TOMBSTONE_RETENTION_DAYS * 24 * 3_600_000,
    mutationRetentionMs: env.SYNC_MUTATION_RETENTION_DAYS * 24 * 3_600_000,
    purgeEveryMs: env.SYNC_PURGE_EVERY_MS,
  };
}
export type SyncConfig = ReturnType<typeof syncConfig>;
