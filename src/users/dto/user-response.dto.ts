import { ApiProperty } from '@nestjs/swagger';
import {
  USER_ROLES,
  USER_STATUSES,
  type User,
  type UserRole,
  type UserStatus,
} from '../entities/user.entity.js';

/** A user as the API shows it: never a hash, token or deletion marker. */
export class UserResponseDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'email', example: 'ada@example.com' })
  email: string;

  @ApiProperty({ example: 'Ada Lovelace' })
  displayName: string;

  @ApiProperty({ enum: USER_ROLES, enumName: 'UserRole' })
  role: UserRole;

  @ApiProperty({ enum: USER_STATUSES, enumName: 'UserStatus' })
  status: UserStatus;

  @ApiProperty({ description: 'Whether the email address was confirmed' })
  emailVerified: boolean;

  @ApiProperty({ example: 'en', description: 'BCP 47 language tag' })
  locale: string;

  @ApiProperty({ example: 'Europe/Berlin', description: 'IANA time zone' })
  timeZone: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  emailVerifiedAt: string | null;

  @ApiProperty({
    type: String,
    format: 'uri',
    nullable: true,
    description:
      'A short-lived signed URL of the avatar (a 256 × 256 WebP), null without one: take a ' +
      'fresh one from `GET /users/me` rather than storing it.',
  })
  avatarUrl: string | null;
}

export type UserResponseSource = Pick<
  User,
  | 'id'
  | 'email'
  | 'displayName'
  | 'role'
  | 'status'
  | 'emailVerifiedAt'
  | 'locale'
  | 'timeZone'
  | 'createdAt'
>;

/** `avatarUrl` is signed per response (see AvatarUrls). */
export function toUserResponse(
  user: UserResponseSource & { avatarUrl: string | null },
): UserResponseDto {
  return {
    id: user.id,
    email: user.email,
    displayName: user.displayName,
    role: user.role,
    status: user.status,
    emailVerified: user.emailVerifiedAt !== null,
    locale: user.locale,
    timeZone: user.timeZone,
    createdAt: user.createdAt.toISOString(),
    emailVerifiedAt: user.emailVerifiedAt?.toISOString() ?? null,
    avatarUrl: user.avatarUrl,
  };
}

export class UserPageDto {
  @ApiProperty({ type: [UserResponseDto] })
  data: UserResponseDto[];

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as `cursor` for the next page; null on the last page',
  })
  nextCursor: string | null;
}
