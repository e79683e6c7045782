import { Inject, Injectable } from '@nestjs/common';
import { SealedBox } from '../common/crypto/sealed-box.js';
import { APP_CONFIG, type AppConfig } from '../config/index.js';
import { CATALOGUE, type NotificationType } from './domain/catalogue.js';

/**
 * Verification and reset links carry one-time tokens, which must never rest in plaintext:
 * `seal` encrypts a type's secret fields before the request is stored (outbox row, notification
 * data); `open` restores them for rendering at send time, in memory only.
 */
@Injectable()
export class NotificationSecrets {
  private readonly box: SealedBox;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    // Sealed under JWT_SECRET; the previous secrets still open what was sealed before a rotation.
    const secrets = config.auth.jwtKeys.map((k) => k.secret);
    this.box = new SealedBox(secrets, 'notifications:secret-data:v1');
  }

  seal(type: NotificationType, data: Record<string, unknown>): Record<string, unknown> {
    const fields = CATALOGUE[type].secretFields ?? [];
    if (fields.length === 0) return data;
    const sealed = { ...data };
    for (const field of fields) {
      const value = sealed[field];
      if (typeof value === 'string') sealed[field] = this.box.seal(value);
    }
    return sealed;
  }

  open(data: Record<string, unknown>): Record<string, unknown> {
    if (!Object.values(data).some(SealedBox.isSealed)) return data;
    return Object.fromEntries(
      Object.entries(data).map(([k, v]) => [k, SealedBox.isSealed(v) ? this.box.open(v) : v]),
    );
  }
}
