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
