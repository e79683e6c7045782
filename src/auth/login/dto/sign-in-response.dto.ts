import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiProperty, getSchemaPath } from '@nestjs/swagger';
import { MFA_METHODS, type MfaMethod, type SignInOutcome } from '../../sign-in.js';
import { TokenResponseDto } from './auth.dto.js';
import { toTokenResponse } from './token-response.mapper.js';

/** The password (or social sign-in) was right, and the account has MFA on: a code comes next. */
export class MfaRequiredResponseDto {
  @ApiProperty({
    enum: [true],
    description: 'Always true: no tokens yet, a second factor is needed',
  })
  mfaRequired: true;

  @ApiProperty({
    description:
      'Send it with a code to POST /auth/mfa/challenge. Single use, short lived, a few attempts.',
  })
  mfaToken: string;

  @ApiProperty({ type: 'integer', example: 300, description: 'Seconds the mfa token stays valid' })
  expiresIn: number;

  @ApiProperty({
    enum: MFA_METHODS,
    isArray: true,
    description: '`otp`: a code from the authenticator app; `recovery`: one of the recovery codes',
  })
  methods: MfaMethod[];
}

export function toSignInResponse(
  outcome: SignInOutcome,
): TokenResponseDto | MfaRequiredResponseDto {
  if (outcome.kind === 'signed-in') return toTokenResponse(outcome);
  const { mfaToken, expiresIn, methods } = outcome;
  return { mfaRequired: true, mfaToken, expiresIn, methods };
}

/** The 200 of every first-factor sign-in (password, social): tokens, or a second factor to give. */
export const ApiSignInOkResponse = (): MethodDecorator =>
  applyDecorators(
    ApiExtraModels(TokenResponseDto, MfaRequiredResponseDto),
    ApiOkResponse({
      description: 'Signed in, or a second factor is needed',
      schema: {
        oneOf: [
          { $ref: getSchemaPath(TokenResponseDto) },
          { $ref: getSchemaPath(MfaRequiredResponseDto) },
        ],
      },
    }),
  );
