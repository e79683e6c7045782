// The users module's public API: other modules import users only from here.
export { UsersModule } from './users.module.js';
export { UsersService, type NewUser, type ProfilePatch } from './users.service.js';
export type { UserContact, UserWithAvatar } from './domain/user-view.js';
export { AvatarUrls } from './avatar-urls.js';
export {
  User,
  USER_ROLES,
  USER_STATUSES,
  type UserRole,
  type UserStatus,
} from './entities/user.entity.js';
export { DisplayNameField, LocaleField, TimeZoneField } from './dto/profile-fields.js';
export { UserResponseDto, toUserResponse } from './dto/user-response.dto.js';
export { userNotFound } from './domain/users.errors.js';
