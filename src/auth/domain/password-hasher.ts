import { availableParallelism } from 'node:os';
import { argon2id, hash, needsRehash, verify } from 'argon2';
import pLimit, { type LimitFunction } from 'p-limit';

export interface PasswordHasherOptions {
  /** KiB */
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

/** OWASP Password Storage Cheat Sheet, argon2id first option (m=19 MiB, t=2, p=1). */
export const OWASP_ARGON2ID: Readonly<PasswordHasherOptions> = Object.freeze({
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
});

// Never a real user's password: the dummy only exists to burn the same CPU and memory.
const DUMMY_PASSWORD = 'dummy password for timing equalisation';

/**
 * argon2id on libuv's thread pool (never the event loop), at most `concurrency` computations at
 * once: the pool keeps threads for fs, dns and crypto, and hashes do not evict each other's
 * memory from the CPU caches.
 */
export class PasswordHasher {
  private dummyHash: Promise<string> | undefined;
  private readonly limit: LimitFunction;

  constructor(
    private readonly options: PasswordHasherOptions = OWASP_ARGON2ID,
    concurrency = availableParallelism(),
  ) {
    this.limit = pLimit(concurrency);
  }

  /** Computations waiting for their turn (all `concurrency` slots busy). */
  get queued(): number {
    return this.limit.pendingCount;
  }

  hash(password: string): Promise<string> {
    return this.limit(() => hash(password, { type: argon2id, ...this.options }));
  }

  /** Malformed or foreign hashes mean "no match": a corrupt row must not turn into a 500. */
  async verify(encoded: string, password: string): Promise<boolean> {
    try {
      return await this.limit(() => verify(encoded, password));
    } catch {
      return false;
    }
  }

  /** True for unparseable hashes too, so a repaired row gets a fresh hash on next login. */
  needsRehash(encoded: string): boolean {
    if (!encoded.startsWith('$argon2id$')) return true;
    try {
      return needsRehash(encoded, this.options);
    } catch {
      return true;
    }
  }

  /**
   * For logins with an unknown email: costs one verification with the configured parameters,
   * so response time does not reveal whether an account exists. Always false.
   */
  async verifyAgainstDummy(password: string): Promise<false> {
    if (this.dummyHash === undefined) {
      // Computing the dummy costs what a verification costs, so the first call needs no second.
      this.dummyHash = this.hash(DUMMY_PASSWORD);
      await this.dummyHash;
      return false;
    }
    await this.verify(await this.dummyHash, password);
    return false;
  }
}
