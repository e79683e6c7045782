import type { EntityManager } from 'typeorm';
import { User } from '../../users/index.js';
import { AuthEvent } from '../entities/auth-event.entity.js';

export type BootstrapEventType = 'admin_created' | 'role_changed';

/**
 * The queries of the first-admin bootstrap. It also runs from `scripts/create-admin.ts`, without
 * Nest, so it is a plain class over the caller's transaction rather than users' repository.
 */
export class InitialAdminRepository {
  constructor(private readonly manager: EntityManager) {}

  /** Several instances may boot at once: one does the work, the others wait and then see it. */
  async lock(): Promise<void> {
    await this.manager.query(`SELECT pg_advisory_xact_lock(hashtext('auth:initial-admin'))`);
  }

  /** Whether the users table has ever had a row (soft-deleted ones count). */
  async anyUserEver(): Promise<boolean> {
    return (await this.manager.getRepository(User).count({ withDeleted: true })) > 0;
  }

  findLiveByEmail(email: string): Promise<User | null> {
    return this.manager
      .getRepository(User)
      .createQueryBuilder('u')
      .where('lower(u.email) = lower(:email) AND u.deleted_at IS NULL', { email })
      .getOne();
  }

  async promote(userId: string): Promise<void> {
    await this.manager.getRepository(User).update({ id: userId }, { role: 'admin' });
  }

  createAdmin(columns: Pick<User, 'email' | 'displayName' | 'passwordHash' | 'emailVerifiedAt'>) {
    const users = this.manager.getRepository(User);
    return users.save(users.create({ ...columns, role: 'admin', status: 'active' }));
  }

  async record(
    userId: string,
    type: BootstrapEventType,
    details: Record<string, unknown>,
  ): Promise<void> {
    await this.manager.getRepository(AuthEvent).insert({
      userId,
      type,
      details: { ...details, via: 'bootstrap' },
    } as Partial<AuthEvent> as never);
  }
}
