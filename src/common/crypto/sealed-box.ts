import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const PREFIX = 'sealed:v1:';

/**
 * AES-256-GCM for secrets that must travel through storage (outbox rows, notification data) and
 * be read back later by us alone. The key is derived from an app secret and a purpose label, so
 * each use gets its own key. Given several secrets, the first seals and each opens (a rotation:
 * values sealed under the previous secret stay readable while it is kept); without the old
 * secret, values sealed before are unreadable.
 */
export class SealedBox {
  private readonly keys: Buffer[];

  constructor(secrets: string | readonly string[], purpose: string) {
    const all = typeof secrets === 'string' ? [secrets] : secrets;
    if (all.length === 0) throw new Error('SealedBox needs a secret');
    this.keys = all.map((s) => Buffer.from(hkdfSync('sha256', s, Buffer.alloc(0), purpose, 32)));
  }

  private get key(): Buffer {
    return this.keys[0] as Buffer;
  }

  static isSealed(value: unknown): value is string {
    return typeof value === 'string' && value.startsWith(PREFIX);
  }

  seal(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return PREFIX + [iv, cipher.getAuthTag(), body].map((b) => b.toString('base64url')).join('.');
  }

  /** Throws on a tampered value or a value sealed with another key. */
  open(sealed: string): string {
    if (!SealedBox.isSealed(sealed)) throw new Error('not a sealed value');
    const [iv, tag, body] = sealed
      .slice(PREFIX.length)
      .split('.')
      .map((part) => Buffer.from(part, 'base64url'));
    if (!iv || !tag || !body) throw new Error('malformed sealed value');
    for (const [i, key] of this.keys.entries()) {
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, iv);
        decipher.setAuthTag(tag);
        return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
      } catch (error) {
        if (i === this.keys.length - 1) throw error;
      }
    }
    throw new Error('unreachable');
  }
}
