import { Outbox1763715600000 } from './1763715600000-outbox.js';
import { Users1763715700000 } from './1763715700000-users.js';
import { Auth1763715800000 } from './1763715800000-auth.js';
import { Notifications1763715900000 } from './1763715900000-notifications.js';
import { Payments1763716000000 } from './1763716000000-payments.js';
import { IdempotencyKeys1763716000100 } from './1763716000100-idempotency-keys.js';
import { OutboxRetention1763716100000 } from './1763716100000-outbox-retention.js';
import { PaymentOperations1763716200000 } from './1763716200000-payment-operations.js';
import { SessionAmr1763716300000 } from './1763716300000-session-amr.js';
import { RefreshTokenFamily1763716400000 } from './1763716400000-refresh-token-family.js';
import { Passkeys1763716700000 } from './1763716700000-passkeys.js';
import { Mfa1763716600000 } from './1763716600000-mfa.js';
import { UserIdentities1763716500000 } from './1763716500000-user-identities.js';
import { Sync1763716800000 } from './1763716800000-sync.js';
import { Files1763716900000 } from './1763716900000-files.js';

/**
 * Every migration, oldest first. The app and the tests run this list; the TypeORM CLI
 * (ormconfig.ts) finds the same files by glob. Add new migrations at the end.
 */
export const migrations = [
  Outbox1763715600000,
  Users1763715700000,
  Auth1763715800000,
  Notifications1763715900000,
  Payments1763716000000,
  IdempotencyKeys1763716000100,
  OutboxRetention1763716100000,
  PaymentOperations1763716200000,
  SessionAmr1763716300000,
  RefreshTokenFamily1763716400000,
  Passkeys1763716700000,
  Mfa1763716600000,
  UserIdentities1763716500000,
  Sync1763716800000,
  Files1763716900000,
];
