import { hkdfSync } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { SealedBox } from '../common/crypto/sealed-box.js';
import { APP_CONFIG, type AppConfig } from '../config/index.js';
import { hashRecoveryCode } from './domain/recovery-codes.js';

/**
 * The keys of MFA data at rest, both derived from MFA_ENCRYPTION_KEY (never stored with the
 * data): TOTP secrets are sealed (AES-256-GCM), recovery codes are HMACed. Changing the key
 * makes every enrolment and recovery code unusable: rotate it only with a re-enrolment plan.
 */
@Injectable()
export class MfaKeys {
  private readonly box: SealedBox;
  private readonly recoveryKey: Buffer;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const secret = config.mfa.encryptionKey;
    this.box = new SealedBox(secret, 'auth:totp-secret:v1');
    this.recoveryKey = Buffer.from(
      hkdfSync('sha256', secret, Buffer.alloc(0), 'auth:recovery-code:v1', 32),
    );
  }

  sealSecret(secret: string): string {
    return this.box.seal(secret);
  }

  openSecret(sealed: string): string {
    return this.box.open(sealed);
  }

  recoveryCodeHash(canonicalCode: string): string {
    return hashRecoveryCode(this.recoveryKey, canonicalCode);
  }
}
