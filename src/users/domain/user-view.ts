import type { UserRole, UserStatus } from '../entities/user.entity.js';

/** A user as the service hands it to the HTTP layer: the response's fields, no secrets. */
export interface UserView {
  id: string;
  email: string;
  displayName: string;
  role: UserRole;
  status: UserStatus;
  emailVerifiedAt: Date | null;
  locale: string;
  timeZone: string;
  createdAt: Date;
  /** Object key of the avatar image shown (see AvatarUrls), or null. */
  avatarKey: string | null;
}

/** A user with the avatar's key signed into a short-lived URL: what user responses show. */
export type UserWithAvatar<U extends { avatarKey: string | null }> = U & {
  avatarUrl: string | null;
};

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
