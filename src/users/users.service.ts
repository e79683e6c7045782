import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Page } from '../common/pagination/keyset.js';
import { Transactions } from '../database/transactions.js';
import type { UserContact, UserView } from './domain/user-view.js';
import { emailTaken, userNotFound } from './domain/users.errors.js';
import type { User, UserRole, UserStatus } from './entities/user.entity.js';
import { UsersRepository, type UserFilter } from './repositories/users.repository.js';

export interface NewUser {
  email: string;
  displayName: string;
  /** Null for an account created by social sign-in (it can set one through the reset flow). */
  passwordHash: string | null;
  role?: UserRole;
  locale?: string;
  timeZone?: string;
  emailVerifiedAt?: Date | null;
}

export interface ProfilePatch {
  displayName?: string;
  locale?: string;
  timeZone?: string;
}

/**
 * The users module's API, for its controller and for auth and notifications. Methods taking an
 * EntityManager run inside the caller's transaction (auth changes a user and its sessions
 * atomically). Returned entities stay in the service layer: controllers map them to DTOs.
 */
@Injectable()
export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly transactions: Transactions,
  ) {}

  /** A live (not deleted) user's contact details, or null. */
  async findContact(userId: string): Promise<UserContact | null> {
    return (await this.users.findContacts([userId])).get(userId) ?? null;
  }

  /** Contacts of the live users among `userIds`, by id (one query, batches of up to 100). */
  findContacts(userIds: string[]): Promise<Map<string, UserContact>> {
    return this.users.findContacts(userIds);
  }

  /** Active users' ids in id order after `afterId`, for fan-out in batches. */
  activeUserIds(afterId: string | null, limit: number, role?: UserRole): Promise<string[]> {
    return this.users.activeUserIds(afterId, limit, role);
  }

  /** A live user, or null. */
  findById(userId: string, manager?: EntityManager): Promise<User | null> {
    return this.users.findById(manager ?? this.users.autoCommit, userId);
  }

  /** A live user, or `user-not-found`. */
  async getById(userId: string, manager?: EntityManager): Promise<User> {
    const user = await this.findById(userId, manager);
    if (!user) throw userNotFound();
    return user;
  }

  /** Whether the id is or was a user (deleted accounts keep their row, scrubbed, for audit). */
  everExisted(userId: string): Promise<boolean> {
    return this.users.everExisted(userId);
  }

  /** Live user by email, compared case-insensitively. */
  findByEmail(email: string, manager?: EntityManager): Promise<User | null> {
    return this.users.findByEmail(manager ?? this.users.autoCommit, email.trim());
  }

  /** `email-taken` when a live account already has the email (race-safe). */
  async create(input: NewUser, manager?: EntityManager): Promise<User> {
    const user = await this.users.insert(manager ?? this.users.autoCommit, {
      email: input.email.trim(),
      displayName: input.displayName.trim(),
      passwordHash: input.passwordHash,
      role: input.role ?? 'user',
      status: 'active',
      locale: input.locale ?? 'en',
      timeZone: input.timeZone ?? 'UTC',
      emailVerifiedAt: input.emailVerifiedAt ?? null,
    });
    if (!user) throw emailTaken();
    return user;
  }

  async updateProfile(userId: string, patch: ProfilePatch): Promise<User> {
    // Under a row lock: save() writes only the columns it sees changed since its read, so
    // concurrent patches used to interleave into a mix of several (found by the fuzz suite).
    return this.transactions.run(async (manager) => {
      const user = await this.users.lockById(manager, userId);
      if (!user) throw userNotFound();
      if (patch.displayName !== undefined) user.displayName = patch.displayName.trim();
      if (patch.locale !== undefined)
        user.locale = Intl.getCanonicalLocales(patch.locale)[0] ?? 'en';
      if (patch.timeZone !== undefined) user.timeZone = patch.timeZone;
      return this.users.save(manager, user);
    });
  }

  async setPasswordHash(userId: string, passwordHash: string, manager?: EntityManager) {
    await this.users.update(manager ?? this.users.autoCommit, userId, { passwordHash });
  }

  async markEmailVerified(userId: string, at: Date, manager?: EntityManager): Promise<void> {
    await this.users.markEmailVerified(manager ?? this.users.autoCommit, userId, at);
  }

  async setRoleAndStatus(
    userId: string,
    patch: { role?: UserRole; status?: UserStatus },
    manager: EntityManager,
  ): Promise<{ before: User; after: User }> {
    const before = await this.users.lockById(manager, userId);
    if (!before) throw userNotFound();
    const after = this.users.copyWith(manager, before, patch);
    return { before, after: await this.users.save(manager, after) };
  }

  /**
   * Soft delete that keeps no personal data: the email (which may then register again), name and
   * password hash are replaced; the row stays for foreign keys and the audit trail.
   */
  async deleteAndScrub(userId: string, at: Date, manager: EntityManager): Promise<void> {
    await this.users.update(manager, userId, {
      email: `deleted-${userId}@invalid`,
      displayName: 'Deleted user',
      passwordHash: null,
      emailVerifiedAt: null,
      locale: 'en',
      timeZone: 'UTC',
      status: 'disabled',
      deletedAt: at,
    });
  }

  /** Live accounts in total and created since `since` (admin overview). */
  counts(since: Date): Promise<{ total: number; createdSince: number }> {
    return this.users.counts(since);
  }

  /** Admin list: newest first, keyset-paginated, filtered. */
  list(filter: UserFilter): Promise<Page<User>> {
    return this.users.page(filter);
  }

  /** The user's response fields in one primary-key read (GET /users/me, benchmarked). */
  async getView(userId: string): Promise<UserView> {
    const view = await this.users.findView(userId);
    if (!view) throw userNotFound();
    return view;
  }
}
