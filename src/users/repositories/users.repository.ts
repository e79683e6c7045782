import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import { keysetPage, type Page } from '../../common/pagination/keyset.js';
import { PreparedStatements, statement } from '../../database/prepared-statements.js';
import type { UserContact, UserView } from '../domain/user-view.js';
import { User, type UserRole, type UserStatus } from '../entities/user.entity.js';

const FIND_VIEW = statement(
  'users-find-view',
  `SELECT id, email, display_name, role, status, email_verified_at, locale, time_zone, created_at,
          avatar_key
     FROM users WHERE id = $1 AND deleted_at IS NULL`,
);

interface ViewRow {
  id: string;
  email: string;
  display_name: string;
  role: UserRole;
  status: UserStatus;
  email_verified_at: Date | null;
  locale: string;
  time_zone: string;
  created_at: Date;
  avatar_key: string | null;
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

export interface UserFilter {
  limit: number;
  cursor?: string;
  emailPrefix?: string;
  role?: UserRole;
  status?: UserStatus;
}

/** The columns of a new row; defaults and normalisation are the service's. */
export type UserInsert = Pick<
  User,
  | 'email'
  | 'displayName'
  | 'passwordHash'
  | 'role'
  | 'status'
  | 'locale'
  | 'timeZone'
  | 'emailVerifiedAt'
>;

export type UserColumns = Partial<Omit<User, 'id' | 'createdAt' | 'updatedAt'>>;

const UNIQUE_VIOLATION = '23505';

/**
 * Every query of the `users` table. Methods taking an EntityManager (first) run inside the
 * caller's transaction (auth changes a user and its sessions atomically).
 */
@Injectable()
export class UsersRepository {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly sql: PreparedStatements,
  ) {}

  /** For callers with no transaction to join: each statement commits on its own. */
  get autoCommit(): EntityManager {
    return this.users.manager;
  }

  /** Live accounts in total and created since `since` (the admin console's overview). */
  async counts(since: Date): Promise<{ total: number; createdSince: number }> {
    const [row] = (await this.users.query(
      `SELECT count(*) AS total, count(*) FILTER (WHERE created_at >= $1) AS "createdSince"
         FROM users WHERE deleted_at IS NULL`,
      [since],
    )) as Array<{ total: string; createdSince: string }>;
    return { total: Number(row?.total ?? 0), createdSince: Number(row?.createdSince ?? 0) };
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
  findById(manager: EntityManager, userId: string): Promise<User | null> {
    return manager.getRepository(User).findOne({ where: { id: userId } });
  }

  /** A live user locked FOR UPDATE until the transaction ends, or null. */
  lockById(manager: EntityManager, userId: string): Promise<User | null> {
    return manager.getRepository(User).findOne({
      where: { id: userId },
      lock: { mode: 'pessimistic_write' },
    });
  }

  /** Whether the id is or was a user (deleted accounts keep their row, scrubbed, for audit). */
  everExisted(userId: string): Promise<boolean> {
    return this.users.exists({ where: { id: userId }, withDeleted: true });
  }

  /** Live user by email, compared case-insensitively (uses the unique expression index). */
  findByEmail(manager: EntityManager, email: string): Promise<User | null> {
    return manager
      .getRepository(User)
      .createQueryBuilder('u')
      .where('lower(u.email) = lower(:email)', { email })
      .andWhere('u.deleted_at IS NULL')
      .getOne();
  }

  /**
   * Inserts the user, or answers null when a live account already has the email (the unique
   * index decides, race-safe). Inside the caller's transaction the insert runs in a savepoint,
   * which keeps that transaction usable after the unique violation; outside one it is the
   * transaction save() would open anyway.
   */
  async insert(manager: EntityManager, columns: UserInsert): Promise<User | null> {
    const user = manager.getRepository(User).create(columns);
    try {
      return await manager.transaction((inner) => inner.getRepository(User).save(user));
    } catch (error) {
      if ((error as { code?: string }).code === UNIQUE_VIOLATION) return null;
      throw error;
    }
  }

  /** Writes the columns save() sees changed on a user read in the same transaction. */
  save(manager: EntityManager, user: User): Promise<User> {
    return manager.getRepository(User).save(user);
  }

  /** A new entity: `user` with `columns` merged over it (`user` itself is left as it was). */
  copyWith(manager: EntityManager, user: User, columns: UserColumns): User {
    const repo = manager.getRepository(User);
    return repo.merge(repo.create({ ...user }), columns);
  }

  async update(manager: EntityManager, userId: string, columns: UserColumns): Promise<void> {
    await manager.getRepository(User).update({ id: userId }, columns);
  }

  async markEmailVerified(manager: EntityManager, userId: string, at: Date): Promise<void> {
    await manager
      .getRepository(User)
      .createQueryBuilder()
      .update(User)
      .set({ emailVerifiedAt: at })
      .where('id = :userId AND email_verified_at IS NULL', { userId })
      .execute();
  }

  /** Admin list: newest first, keyset-paginated, filtered. */
  page(filter: UserFilter): Promise<Page<User>> {
    const query = this.users.createQueryBuilder('u');
    if (filter.emailPrefix) {
      query.andWhere(`lower(u.email) LIKE :prefix ESCAPE '\\'`, {
        prefix: `${escapeLike(filter.emailPrefix.trim().toLowerCase())}%`,
      });
    }
    if (filter.role) query.andWhere('u.role = :role', { role: filter.role });
    if (filter.status) query.andWhere('u.status = :status', { status: filter.status });
    return keysetPage(query, 'u', { limit: filter.limit, cursor: filter.cursor });
  }

  /**
   * GET /users/me, which clients call at every launch: one prepared primary-key SELECT of the
   * response's columns only (the password hash is never read); TypeORM's findOne costs several
   * times more per call (bench/README.md, `me`).
   */
  async findView(userId: string): Promise<UserView | null> {
    const [row] = await this.sql.rows<ViewRow>(FIND_VIEW, [userId]);
    if (!row) return null;
    return {
      id: row.id,
      email: row.email,
      displayName: row.display_name,
      role: row.role,
      status: row.status,
      emailVerifiedAt: row.email_verified_at,
      locale: row.locale,
      timeZone: row.time_zone,
      createdAt: row.created_at,
      avatarKey: row.avatar_key,
    };
  }

  /**
   * Points a live user's avatar at a file (or at nothing); false when there is no such user.
   * `onlyIfFileId` clears only while the avatar is still that file (a concurrent choice wins).
   */
  async setAvatar(
    manager: EntityManager,
    userId: string,
    avatar: { fileId: string; key: string } | null,
    onlyIfFileId?: string,
  ): Promise<boolean> {
    const query = manager
      .createQueryBuilder()
      .update(User)
      .set({ avatarFileId: avatar?.fileId ?? null, avatarKey: avatar?.key ?? null })
      .where('id = :userId', { userId });
    if (avatar) query.andWhere('deleted_at IS NULL');
    if (onlyIfFileId) query.andWhere('avatar_file_id = :onlyIfFileId', { onlyIfFileId });
    const result = await query.execute();
    return (result.affected ?? 0) > 0;
  }
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}
