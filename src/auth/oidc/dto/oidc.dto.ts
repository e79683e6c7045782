import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

const DEVICE_NAME = {
  example: "Ada's iPhone",
  maxLength: 100,
  description: 'Shown in the sessions list; defaults to one derived from the user agent',
};

export class LinkIdentityDto {
  @ApiProperty({
    description: "The id token from the provider's SDK (Sign in with Apple, Google Sign-In…)",
    maxLength: 8192,
  })
  @IsString()
  @MinLength(1)
  @MaxLength(8192)
  idToken: string;

  @ApiPropertyOptional({
    description:
      'The raw nonce the app generated; the SDK was given its SHA-256, which the token carries. Required when the token carries a nonce.',
    maxLength: 256,
  })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  nonce?: string;
}

export class IdTokenExchangeDto extends LinkIdentityDto {
  @ApiPropertyOptional({
    description:
      "The user's name when the provider hands it to the app outside the token (Apple, first authorization only)",
    maxLength: 100,
  })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  name?: string;

  @ApiPropertyOptional(DEVICE_NAME)
  @IsOptional()
  @IsString()
  @MaxLength(100)
  deviceName?: string;
}

export class OidcCodeDto {
  @ApiProperty({
    description: 'The one-time code from the `#code=` fragment of the redirect',
    maxLength: 100,
  })
  @IsString()
  @MaxLength(100)
  code: string;

  @ApiPropertyOptional(DEVICE_NAME)
  @IsOptional()
  @IsString()
  @MaxLength(100)
  deviceName?: string;
}

export class AuthorizeQueryDto {
  @ApiProperty({
    description: 'Where to send the browser afterwards: one of OIDC_REDIRECT_URIS, exactly',
    example: 'https://app.example.com/signed-in',
    maxLength: 2000,
  })
  @IsString()
  @MaxLength(2000)
  redirectUri: string;
}
