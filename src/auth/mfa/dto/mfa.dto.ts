import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, MaxLength } from 'class-validator';

const MFA_TOKEN = /^[A-Za-z0-9_-]{43}$/;
/** Six digits, or a recovery code (with or without its hyphen); checked further by the service. */
const CODE = /^[0-9A-Za-z -]{6,16}$/;

export class MfaCodeDto {
  @ApiProperty({
    example: '123456',
    pattern: CODE.source,
    maxLength: 16,
    description: 'A 6-digit code from the authenticator app, or a recovery code (`7KQ2M-XD4HP`)',
  })
  @IsString()
  @MaxLength(16)
  @Matches(CODE, { message: 'code must be 6 digits or a recovery code' })
  code: string;
}

export class TotpCodeDto {
  @ApiProperty({ example: '123456', pattern: '^\\d{6}$', description: 'The app’s current code' })
  @IsString()
  @Matches(/^\d{6}$/, { message: 'code must be 6 digits' })
  code: string;
}

export class MfaChallengeDto extends MfaCodeDto {
  @ApiProperty({ description: 'The mfaToken POST /auth/login answered', pattern: MFA_TOKEN.source })
  @IsString()
  @Matches(MFA_TOKEN, { message: 'mfaToken is malformed' })
  mfaToken: string;
}

export class TotpEnrolmentResponseDto {
  @ApiProperty({
    example: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
    description: 'Base32 secret, for typing into the app by hand',
  })
  secret: string;

  @ApiProperty({
    example: 'otpauth://totp/App:ada%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=App',
    description: 'Show it as a QR code; SHA-1, 6 digits, 30-second period',
  })
  otpauthUri: string;
}

export class RecoveryCodesResponseDto {
  @ApiProperty({
    type: [String],
    example: ['7KQ2M-XD4HP', 'M3TZ9-0QW8C'],
    description: 'Ten single-use codes. Shown this once: only their hashes are kept.',
  })
  recoveryCodes: string[];
}

export class StepUpResponseDto {
  @ApiProperty({ description: 'JWT for `Authorization: Bearer …`, now with `aal: aal2`' })
  accessToken: string;

  @ApiProperty({
    type: 'integer',
    example: 900,
    description: 'Seconds until the access token expires',
  })
  expiresIn: number;

  @ApiProperty({ enum: ['Bearer'] })
  tokenType: 'Bearer';
}
