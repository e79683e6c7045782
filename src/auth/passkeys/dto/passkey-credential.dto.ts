import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';

const BASE64URL = /^[A-Za-z0-9_-]*$/;
const BASE64URL_MESSAGE = 'must be base64url without padding';

/** `PublicKeyCredential.toJSON()` members shared by both ceremonies. */
abstract class CredentialJsonDto {
  @ApiProperty({ description: 'The credential id, base64url', maxLength: 1024 })
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  @Matches(BASE64URL, { message: BASE64URL_MESSAGE })
  id: string;

  @ApiProperty({ description: 'Same as id', maxLength: 1024 })
  @IsString()
  @MaxLength(1024)
  @Matches(BASE64URL, { message: BASE64URL_MESSAGE })
  rawId: string;

  @ApiProperty({ enum: ['public-key'] })
  @IsIn(['public-key'])
  type: 'public-key';

  @ApiPropertyOptional({ enum: ['platform', 'cross-platform'] })
  @IsOptional()
  @IsIn(['platform', 'cross-platform'])
  authenticatorAttachment?: 'platform' | 'cross-platform';

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'getClientExtensionResults(), as the browser returns it',
  })
  @IsObject()
  clientExtensionResults: Record<string, unknown>;
}

export class AttestationResponseJsonDto {
  @ApiProperty({ description: 'base64url', maxLength: 4096 })
  @IsString()
  @MaxLength(4096)
  @Matches(BASE64URL, { message: BASE64URL_MESSAGE })
  clientDataJSON: string;

  @ApiProperty({ description: 'base64url', maxLength: 65536 })
  @IsString()
  @MaxLength(65536)
  @Matches(BASE64URL, { message: BASE64URL_MESSAGE })
  attestationObject: string;

  @ApiPropertyOptional({ description: 'base64url', maxLength: 65536 })
  @IsOptional()
  @IsString()
  @MaxLength(65536)
  @Matches(BASE64URL, { message: BASE64URL_MESSAGE })
  authenticatorData?: string;

  @ApiPropertyOptional({ type: [String], maxItems: 8, example: ['internal', 'hybrid'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(8)
  @IsString({ each: true })
  @MaxLength(32, { each: true })
  transports?: string[];

  @ApiPropertyOptional({
    type: 'integer',
    description: 'COSE algorithm identifier',
    example: -7,
  })
  @IsOptional()
  @IsInt()
  publicKeyAlgorithm?: number;

  @ApiPropertyOptional({ description: 'SubjectPublicKeyInfo, base64url', maxLength: 8192 })
  @IsOptional()
  @IsString()
  @MaxLength(8192)
  @Matches(BASE64URL, { message: BASE64URL_MESSAGE })
  publicKey?: string;
}

/** What `navigator.credentials.create()` resolved to, as `PublicKeyCredential.toJSON()`. */
export class RegistrationCredentialDto extends CredentialJsonDto {
  @ApiProperty({ type: AttestationResponseJsonDto })
  @IsObject()
  @ValidateNested()
  @Type(() => AttestationResponseJsonDto)
  response: AttestationResponseJsonDto;
}

export class AssertionResponseJsonDto {
  @ApiProperty({ description: 'base64url', maxLength: 4096 })
  @IsString()
  @MaxLength(4096)
  @Matches(BASE64URL, { message: BASE64URL_MESSAGE })
  clientDataJSON: string;

  @ApiProperty({ description: 'base64url', maxLength: 4096 })
  @IsString()
  @MaxLength(4096)
  @Matches(BASE64URL, { message: BASE64URL_MESSAGE })
  authenticatorData: string;

  @ApiProperty({ description: 'base64url', maxLength: 2048 })
  @IsString()
  @MaxLength(2048)
  @Matches(BASE64URL, { message: BASE64URL_MESSAGE })
  signature: string;

  @ApiPropertyOptional({ description: 'base64url', maxLength: 512 })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  @Matches(BASE64URL, { message: BASE64URL_MESSAGE })
  userHandle?: string;
}

/** What `navigator.credentials.get()` resolved to, as `PublicKeyCredential.toJSON()`. */
export class AuthenticationCredentialDto extends CredentialJsonDto {
  @ApiProperty({ type: AssertionResponseJsonDto })
  @IsObject()
  @ValidateNested()
  @Type(() => AssertionResponseJsonDto)
  response: AssertionResponseJsonDto;
}

export class RegisterPasskeyDto {
  @ApiProperty({ type: RegistrationCredentialDto })
  @IsObject()
  @ValidateNested()
  @Type(() => RegistrationCredentialDto)
  credential: RegistrationCredentialDto;

  @ApiPropertyOptional({
    example: 'MacBook Touch ID',
    maxLength: 100,
    description: 'Shown in the passkeys list; defaults to the kind of passkey',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name?: string;
}

export class PasskeySignInDto {
  @ApiProperty({ type: AuthenticationCredentialDto })
  @IsObject()
  @ValidateNested()
  @Type(() => AuthenticationCredentialDto)
  credential: AuthenticationCredentialDto;

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
