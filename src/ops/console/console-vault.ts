import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { DelegatedSession } from '../../auth/index.js';

/** What the console keeps for one signed-in browser. */
export interface ConsoleRecord {
  session: DelegatedSession;
  /** The synchronizer token every unsafe request must echo in X-CSRF-Token. */
  csrfToken: string;
  /** Epoch ms after which the access token is refreshed before use. */
  refreshAfter: number;
}

/**
 * Console sessions in Redis, keyed by a hash of the random id in the browser's cookie and sealed
 * (AES-256-GCM) with a key derived from that id: Redis never holds a usable token in the clear,
 * as for the refresh grace pairs (auth/domain/refresh-grace.ts). Without the cookie, a record is
 * noise; with it, the tokens still never reach the browser.
 */
export class ConsoleVault {
  constructor(
    private readonly redis: Redis,
    private readonly ttlSeconds: number,
  ) {}

  static newId(): string {
    return randomBytes(32).toString('base64url');
  }

  async save(id: string, record: ConsoleRecord): Promise<void> {
    const key = keyOf(id);
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    const body = Buffer.concat([cipher.update(JSON.stringify(record), 'utf8'), cipher.final()]);
    const sealed = Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
    await this.redis.set(slotOf(id), sealed, 'EX', this.ttlSeconds);
  }

  async load(id: string | undefined): Promise<ConsoleRecord | null> {
    if (!id || id.length > 100) return null;
    const sealed = await this.redis.get(slotOf(id));
    if (!sealed) return null;
    const raw = Buffer.from(sealed, 'base64');
    try {
      const decipher = createDecipheriv('aes-256-gcm', keyOf(id), raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      const text = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]);
      return JSON.parse(text.toString('utf8')) as ConsoleRecord;
    } catch {
      // Tampered or from another key: no session, like a missing one.
      return null;
    }
  }

  async drop(id: string): Promise<void> {
    await this.redis.del(slotOf(id));
  }
}

function slotOf(id: string): string {
  return `console:session:${createHash('sha256').update(id).digest('hex')}`;
}

function keyOf(id: string): Buffer {
  return Buffer.from(hkdfSync('sha256', id, Buffer.alloc(0), 'admin-console:v1', 32));
}
