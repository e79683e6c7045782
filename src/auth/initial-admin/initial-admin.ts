import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config/index.js';
import { Transactions } from '../../database/transactions.js';
import { User } from '../../users/index.js';
import { PasswordHasher } from '../domain/password-hasher.js';
import { checkPassword } from '../domain/password-policy.js';
import { AuthEvent } from '../entities/auth-event.entity.js';

export interface AdminInput {
  email: string;
  password?: string;
  displayName?: string;
}

export type AdminOutcome = 'created' | 'promoted' | 'already_admin' | 'skipped_not_empty';

/**
 * Creates the first admin (or, from the CLI, promotes an existing account). Used by the
 * `user:create-admin` script and by ADMIN_EMAIL/ADMIN_PASSWORD at boot; there are no default
 * credentials. `onlyIfEmpty` (boot): applied once, when the users table has never had a row.
 */
export async function ensureAdmin(
  manager: EntityManager,
  hasher: PasswordHasher,
  input: AdminInput,
  options: { onlyIfEmpty: boolean; now: Date },
): Promise<AdminOutcome> {
  // Several instances may boot at once: one does the work.
  await manager.query(`SELECT pg_advisory_xact_lock(hashtext('auth:initial-admin'))`);
  const users = manager.getRepository(User);
  if (options.onlyIfEmpty && (await users.count({ withDeleted: true })) > 0) {
    return 'skipped_not_empty';
  }
  const email = input.email.trim();
  const existing = await users
    .createQueryBuilder('u')
    .where('lower(u.email) = lower(:email) AND u.deleted_at IS NULL', { email })
    .getOne();
  if (existing) {
    if (existing.role === 'admin') return 'already_admin';
    await users.update({ id: existing.id }, { role: 'admin' });
    await record(manager, existing.id, 'role_changed', { from: existing.role, to: 'admin' });
    return 'promoted';
  }
  const displayName = input.displayName?.trim() || 'Administrator';
  if (!input.password) throw new Error('a password is needed to create an admin');
  const check = checkPassword(input.password, { email, displayName });
  if (!check.ok) throw new Error(`password rejected: ${check.message}`);
  const created = await users.save(
    users.create({
      email,
      displayName,
      role: 'admin',
      status: 'active',
      passwordHash: await hasher.hash(input.password),
      // Whoever configures the deployment vouches for the address.
      emailVerifiedAt: options.now,
    }),
  );
  await record(manager, created.id, 'admin_created', {});
  return 'created';
}

async function record(
  manager: EntityManager,
  userId: string,
  type: 'admin_created' | 'role_changed',
  details: Record<string, unknown>,
): Promise<void> {
  await manager.getRepository(AuthEvent).insert({
    userId,
    type,
    details: { ...details, via: 'bootstrap' },
  } as Partial<AuthEvent> as never);
}

/** ADMIN_EMAIL + ADMIN_PASSWORD: the first admin, once, on an empty table (api/all roles). */
@Injectable()
export class InitialAdmin implements OnApplicationBootstrap {
  private readonly logger = new Logger(InitialAdmin.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly transactions: Transactions,
    private readonly hasher: PasswordHasher,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const admin = this.config.auth.initialAdmin;
    if (!admin || this.config.app.role === 'worker') return;
    const outcome = await this.transactions.run((manager) =>
      ensureAdmin(manager, this.hasher, admin, { onlyIfEmpty: true, now: new Date() }),
    );
    if (outcome === 'created')
      this.logger.log({ event: 'auth.admin_created' }, 'first admin created');
  }
}
