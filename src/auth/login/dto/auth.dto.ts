import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsEmail,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
} from 'class-validator';
import { DisplayNameField, LocaleField, TimeZoneField } from '../../../users/index.js';
import { UserResponseDto } from '../../../users/index.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** Length and blocklist rules are checked by the password policy (12 to 128 characters). */
const PASSWORD_DOC = {
  minLength: 12,
  maxLength: 128,
  description: '12 to 128 characters; common passwords are refused',
};

/** Bounded for the wire; the policy counts code points, so 4 bytes per character at most. */
const PasswordField = (name: string) => [
  IsString(),
  IsNotEmpty({ message: `${name} must not be empty` }),
  MaxLength(512),
];

const apply =
  (...decorators: PropertyDecorator[]): PropertyDecorator =>
  (target, key) => {
    for (const d of decorators) d(target, key);
  };

const OPAQUE_TOKEN = /^[A-Za-z0-9_-]{43}$/;

export class RegisterDto {
  @ApiProperty({ format: 'email', example: 'ada@example.com', maxLength: 254 })
  @Transform(trim)
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(254)
  email: string;

  @ApiProperty({ example: 'correct horse battery staple', ...PASSWORD_DOC })
  @apply(...PasswordField('password'))
  password: string;

  @DisplayNameField(false)
  displayName: string;

  @LocaleField()
  locale?: string;

  @TimeZoneField()
  timeZone?: string;
}

export class LoginDto {
  @ApiProperty({ format: 'email', example: 'ada@example.com', maxLength: 254 })
  @Transform(trim)
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(254)
  email: string;

  @ApiProperty({ example: 'correct horse battery staple', maxLength: 512 })
  @apply(...PasswordField('password'))
  password: string;

  @ApiPropertyOptional({
    example: "Ada's iPhone",
    maxLength: 100,
    description: 'Shown in the sessions list; defaults to one derived from the user agent',
  })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  deviceName?: string;
}

export class RefreshDto {
  @ApiProperty({ description: 'The refresh token from login or the last refresh' })
  @IsString()
  @MaxLength(200)
  refreshToken: string;
}

export class TokenResponseDto {
  @ApiProperty({ description: 'JWT for `Authorization: Bearer …`' })
  accessToken: string;

  @ApiProperty({ description: 'Opaque; send only to POST /auth/refresh. Rotates on every use.' })
  refreshToken: string;

  @ApiProperty({
    type: 'integer',
    example: 900,
    description: 'Seconds until the access token expires',
  })
  expiresIn: number;

  @ApiProperty({ enum: ['Bearer'], enumName: 'TokenType' })
  tokenType: 'Bearer';

  @ApiProperty({ type: UserResponseDto })
  user: UserResponseDto;
}

export class LogoutAllDto {
  @ApiPropertyOptional({
    default: false,
    description: 'Also end the session making this request',
  })
  @IsOptional()
  @IsBoolean()
  includeCurrent?: boolean;
}

export class RevokedSessionsDto {
  @ApiProperty({ type: 'integer', minimum: 0, example: 2 })
  revokedSessions: number;
}

export class TokenDto {
  @ApiProperty({ description: 'The token from the emailed link', pattern: OPAQUE_TOKEN.source })
  @IsString()
  @Matches(OPAQUE_TOKEN, { message: 'token is malformed' })
  token: string;
}

export class EmailDto {
  @ApiProperty({ format: 'email', example: 'ada@example.com', maxLength: 254 })
  @Transform(trim)
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(254)
  email: string;
}

export class ResetPasswordDto {
  @ApiProperty({ description: 'The token from the emailed link', pattern: OPAQUE_TOKEN.source })
  @IsString()
  @Matches(OPAQUE_TOKEN, { message: 'token is malformed' })
  token: string;

  @ApiProperty({ ...PASSWORD_DOC })
  @apply(...PasswordField('newPassword'))
  newPassword: string;
}

export class ChangePasswordDto {
  @ApiProperty({ maxLength: 512 })
  @apply(...PasswordField('currentPassword'))
  currentPassword: string;

  @ApiProperty({ ...PASSWORD_DOC })
  @apply(...PasswordField('newPassword'))
  newPassword: string;
}

export class DeleteAccountDto {
  @ApiProperty({ maxLength: 512, description: 'The current password, to confirm' })
  @apply(...PasswordField('password'))
  password: string;
}

export class AcceptedDto {
  @ApiProperty({ example: 'If the address belongs to an account, an email is on its way.' })
  message: string;
}
