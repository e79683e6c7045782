import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config/index.js';
import { Transactions } from '../../database/transactions.js';
import { PasswordHasher } from '../domain/password-hasher.js';
import { checkPassword } from '../domain/password-policy.js';
import { InitialAdminRepository } from '../repositories/initial-admin.repository.js';

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
  const queries = new InitialAdminRepository(manager);
  await queries.lock();
  if (options.onlyIfEmpty && (await queries.anyUserEver())) return 'skipped_not_empty';
  const email = input.email.trim();
  const existing = await queries.findLiveByEmail(email);
  if (existing) {
    if (existing.role === 'admin') return 'already_admin';
    await queries.promote(existing.id);
    await queries.record(existing.id, 'role_changed', { from: existing.role, to: 'admin' });
    return 'promoted';
  }
  const displayName = input.displayName?.trim() || 'Administrator';
  if (!input.password) throw new Error('a password is needed to create an admin');
  const check = checkPassword(input.password, { email, displayName });
  if (!check.ok) throw new Error(`password rejected: ${check.message}`);
  const created = await queries.createAdmin({
    email,
    displayName,
    passwordHash: await hasher.hash(input.password),
    // Whoever configures the deployment vouches for the address.
    emailVerifiedAt: options.now,
  });
  await queries.record(created.id, 'admin_created', {});
  return 'created';
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
