import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { User, type UserRole, type UserStatus } from './user.entity.js';

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

@Injectable()
export class UsersService {
  constructor(@InjectRepository(User) private readonly users: Repository<User>) {}

  /** A live (not deleted) user's contact details, or null. */
  async findContact(userId: string): Promise<UserContact | null> {
    const user = await this.users.findOne({ where: { id: userId } });
    return user ? toContact(user) : null;
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
}

export function toContact(user: User): UserContact {
  return {
    id: user.id,
    email: user.email,
    displayName: user.displayName,
    locale: user.locale,
    timeZone: user.timeZone,
    role: user.role,
    status: user.status,
    emailVerified: user.emailVerifiedAt !== null,
  };
}
