import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { ProblemException } from '../http/problem.exception.js';
import { toUserResponse, type UserPageDto, type UserResponseDto } from './dto/user-response.dto.js';
import { cursorTimestampSql, decodeCursor, encodeCursor } from '../common/pagination/keyset.js';
import { User, type UserRole, type UserStatus } from './entities/user.entity.js';

interface ResponseRow {
  id: string;
  email: string;
  display_name: string;
  role: UserRole;
  status: UserStatus;
  email_verified_at: Date | null;
  locale: string;
  time_zone: string;
  created_at: Date;
}

interface ContactRow {
  id: string;
  email: string;
  display_name: string;
  locale: string;
  time_zone: string;
  role: UserRole;
  status: UserStatus;
  email_verified: boolean;
}

/** What other modules may know of a user (notifications address them with it). */
export interface UserContact {
  id: string;
  email: string;
  displayName: string;
  locale: string;
  timeZone: string;
  role: UserRole;
  status: UserStatus;
  emailVerified: boolean;
}

export interface NewUser {
  email: string;
  displayName: string;
  passwordHash: string;
  role?: UserRole;
  locale?: string;
  timeZone?: string;
  emailVerifiedAt?: Date | null;
}

export interface UserFilter {
  limit: number;
  cursor?: string;
  emailPrefix?: string;
  role?: UserRole;
  status?: UserStatus;
}

export interface ProfilePatch {
  displayName?: string;
  locale?: string;
  timeZone?: string;
}

const UNIQUE_VIOLATION = '23505';

/**
 * The only code that touches the `users` table. Methods taking an EntityManager run inside the
 * caller's transaction (auth changes a user and its sessions atomically). Returned entities stay
 * in the service layer: controllers map them to response DTOs.
 */
@Injectable()
export class UsersService {
  constructor(@InjectRepository(User) private readonly users: Repository<User>) {}

  /** A live (not deleted) user's contact details, or null. */
  async findContact(userId: string): Promise<UserContact | null> {
    return (await this.findContacts([userId])).get(userId) ?? null;
  }

  /**
   * Contacts of the live users among `userIds`, by id: one query of the contact columns only
   * (notification batches call it with up to a hundred ids).
   */
  async findContacts(userIds: string[]): Promise<Map<string, UserContact>> {
    if (userIds.length === 0) return new Map();
    const rows: ContactRow[] = await this.users.query(
      `SELECT id, email, display_name, locale, time_zone, role, status,
              email_verified_at IS NOT NULL AS email_verified
         FROM users WHERE id = ANY($1::uuid[]) AND deleted_at IS NULL`,
      [userIds],
    );
    return new Map(
      rows.map((r) => [
        r.id,
        {
          id: r.id,
          email: r.email,
          displayName: r.display_name,
          locale: r.locale,
          timeZone: r.time_zone,
          role: r.role,
          status: r.status,
          emailVerified: r.email_verified,
        },
      ]),
    );
  }

  /**
   * Active users' ids in id order after `afterId`, for fan-out in batches (keyset pagination:
   * never holds the whole table in memory).
   */
  async activeUserIds(afterId: string | null, limit: number, role?: UserRole): Promise<string[]> {
    const query = this.users
      .createQueryBuilder('u')
      .select('u.id', 'id')
      .where('u.status = :status', { status: 'active' })
      .orderBy('u.id', 'ASC')
      .limit(limit);
    if (afterId) query.andWhere('u.id > :afterId', { afterId });
    if (role) query.andWhere('u.role = :role', { role });
    const rows: Array<{ id: string }> = await query.getRawMany();
    return rows.map((r) => r.id);
  }

  /** A live user, or null. */
  findById(userId: string, manager?: EntityManager): Promise<User | null> {
    return this.repo(manager).findOne({ where: { id: userId } });
  }

  /** A live user or a 404 problem. */
  async getById(userId: string, manager?: EntityManager): Promise<User> {
    const user = await this.findById(userId, manager);
    if (!user) throw new NotFoundException('No such user.');
    return user;
  }

  /** Whether the id is or was a user (deleted accounts keep their row, scrubbed, for audit). */
  everExisted(userId: string): Promise<boolean> {
    return this.repo().exists({ where: { id: userId }, withDeleted: true });
  }

  /** Live user by email, compared case-insensitively (uses the unique expression index). */
  findByEmail(email: string, manager?: EntityManager): Promise<User | null> {
    return this.repo(manager)
      .createQueryBuilder('u')
      .where('lower(u.email) = lower(:email)', { email: email.trim() })
      .andWhere('u.deleted_at IS NULL')
      .getOne();
  }

  countAll(manager?: EntityManager): Promise<number> {
    return this.repo(manager).count({ withDeleted: true });
  }

  /** 409 problem when a live account already has the email (unique index, race-safe). */
  async create(input: NewUser, manager?: EntityManager): Promise<User> {
    const repo = this.repo(manager);
    const user = repo.create({
      email: input.email.trim(),
      displayName: input.displayName.trim(),
      passwordHash: input.passwordHash,
      role: input.role ?? 'user',
      status: 'active',
      locale: input.locale ?? 'en',
      timeZone: input.timeZone ?? 'UTC',
      emailVerifiedAt: input.emailVerifiedAt ?? null,
    });
    try {
      // A savepoint keeps the caller's transaction usable after a unique violation.
      return await (manager
        ? manager.transaction((inner) => inner.getRepository(User).save(user))
        : repo.save(user));
    } catch (error) {
      if ((error as { code?: string }).code === UNIQUE_VIOLATION) {
        throw new ProblemException({
          status: 409,
          slug: 'email-taken',
          detail: 'An account with this email address already exists.',
        });
      }
      throw error;
    }
  }

  async updateProfile(userId: string, patch: ProfilePatch): Promise<User> {
    // Under a row lock: save() writes only the columns it sees changed since its read, so
    // concurrent patches used to interleave into a mix of several (found by the fuzz suite).
    return this.users.manager.transaction(async (manager) => {
      const user = await this.repo(manager).findOne({
        where: { id: userId },
        lock: { mode: 'pessimistic_write' },
      });
      if (!user) throw new NotFoundException('No such user.');
      if (patch.displayName !== undefined) user.displayName = patch.displayName.trim();
      if (patch.locale !== undefined)
        user.locale = Intl.getCanonicalLocales(patch.locale)[0] ?? 'en';
      if (patch.timeZone !== undefined) user.timeZone = patch.timeZone;
      return this.repo(manager).save(user);
    });
  }

  async setPasswordHash(userId: string, passwordHash: string, manager?: EntityManager) {
    await this.repo(manager).update({ id: userId }, { passwordHash });
  }

  async markEmailVerified(userId: string, at: Date, manager?: EntityManager): Promise<void> {
    await this.repo(manager)
      .createQueryBuilder()
      .update(User)
      .set({ emailVerifiedAt: at })
      .where('id = :userId AND email_verified_at IS NULL', { userId })
      .execute();
  }

  async setRoleAndStatus(
    userId: string,
    patch: { role?: UserRole; status?: UserStatus },
    manager: EntityManager,
  ): Promise<{ before: User; after: User }> {
    const repo = this.repo(manager);
    const before = await repo.findOne({
      where: { id: userId },
      lock: { mode: 'pessimistic_write' },
    });
    if (!before) throw new NotFoundException('No such user.');
    const after = repo.merge(repo.create({ ...before }), patch);
    return { before, after: await repo.save(after) };
  }

  /**
   * Soft delete that keeps no personal data: the email (which may then register again), name and
   * password hash are replaced; the row stays for foreign keys and the audit trail.
   */
  async deleteAndScrub(userId: string, at: Date, manager: EntityManager): Promise<void> {
    await this.repo(manager).update(
      { id: userId },
      {
        email: `deleted-${userId}@invalid`,
        displayName: 'Deleted user',
        passwordHash: null,
        emailVerifiedAt: null,
        locale: 'en',
        timeZone: 'UTC',
        status: 'disabled',
        deletedAt: at,
      },
    );
  }

  /** Admin list: newest first, keyset-paginated, filtered. */
  async list(filter: UserFilter): Promise<UserPageDto> {
    const cursor = decodeCursor(filter.cursor);
    const query = this.users
      .createQueryBuilder('u')
      .addSelect(cursorTimestampSql('u'), 'cursor_ts')
      .orderBy('u.created_at', 'DESC')
      .addOrderBy('u.id', 'DESC')
      .limit(filter.limit + 1);
    if (filter.emailPrefix) {
      query.andWhere(`lower(u.email) LIKE :prefix ESCAPE '\\'`, {
        prefix: `${escapeLike(filter.emailPrefix.trim().toLowerCase())}%`,
      });
    }
    if (filter.role) query.andWhere('u.role = :role', { role: filter.role });
    if (filter.status) query.andWhere('u.status = :status', { status: filter.status });
    if (cursor) {
      query.andWhere('(u.created_at, u.id) < (:cursorTs::timestamptz, :cursorId::uuid)', {
        cursorTs: cursor.createdAt,
        cursorId: cursor.id,
      });
    }
    const { entities, raw } = await query.getRawAndEntities<{ cursor_ts: string; u_id: string }>();
    const page = entities.slice(0, filter.limit);
    const last = page.at(-1);
    const lastRaw = last ? raw.find((r) => r.u_id === last.id) : undefined;
    return {
      data: page.map(toUserResponse),
      nextCursor:
        entities.length > filter.limit && last && lastRaw
          ? encodeCursor({ createdAt: lastRaw.cursor_ts, id: last.id })
          : null,
    };
  }

  /**
   * GET /users/me, which clients call at every launch: one primary-key SELECT of the response's
   * columns only (the password hash is never read), mapped straight to the DTO; TypeORM's
   * findOne costs several times more per call (bench/README.md, `me`).
   */
  async getResponse(userId: string): Promise<UserResponseDto> {
    const rows: ResponseRow[] = await this.users.query(
      `SELECT id, email, display_name, role, status, email_verified_at, locale, time_zone, created_at
         FROM users WHERE id = $1 AND deleted_at IS NULL`,
      [userId],
    );
    const row = rows[0];
    if (!row) throw new NotFoundException('No such user.');
    return toUserResponse({
      id: row.id,
      email: row.email,
      displayName: row.display_name,
      role: row.role,
      status: row.status,
      emailVerifiedAt: row.email_verified_at,
      locale: row.locale,
      timeZone: row.time_zone,
      createdAt: row.created_at,
    });
  }

  private repo(manager?: EntityManager): Repository<User> {
    return manager ? manager.getRepository(User) : this.users;
  }
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}
