import { Body, Controller, Delete, HttpCode, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentUser, type AuthPrincipal } from '../../common/auth/auth-principal.js';
import { Public } from '../../common/auth/public.decorator.js';
import { RequiresAal2 } from '../../common/auth/step-up.decorator.js';
import { ApiProblems } from '../../http/api-problems.decorator.js';
import { Client, type ClientInfo } from '../client-info.js';
import { TokenResponseDto } from '../login/dto/auth.dto.js';
import { toTokenResponse } from '../login/dto/token-response.mapper.js';
import {
  MfaChallengeDto,
  MfaCodeDto,
  RecoveryCodesResponseDto,
  StepUpResponseDto,
  TotpCodeDto,
  TotpEnrolmentResponseDto,
} from './dto/mfa.dto.js';
import { MfaChallengeService } from './mfa-challenge.service.js';
import { MfaEnrolmentService } from './mfa-enrolment.service.js';
import { StepUpService } from './step-up.service.js';

/** Two-factor authentication: an authenticator app (TOTP), recovery codes, challenge, step-up. */
@ApiTags('auth')
@Controller('auth/mfa')
export class MfaController {
  constructor(
    private readonly enrolment: MfaEnrolmentService,
    private readonly challenges: MfaChallengeService,
    private readonly stepUps: StepUpService,
  ) {}

  @Post('totp')
  @ApiBearerAuth('bearer')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Start enrolling an authenticator app: a secret and its otpauth:// URI',
    description:
      'MFA is not on until POST /auth/mfa/totp/verify gets a first code. Starting again replaces a pending secret.',
  })
  @ApiOkResponse({ type: TotpEnrolmentResponseDto })
  @ApiProblems(401, 409)
  async startTotp(
    @CurrentUser() principal: AuthPrincipal,
    @Client() client: ClientInfo,
  ): Promise<TotpEnrolmentResponseDto> {
    return this.enrolment.start(principal, client);
  }

  @Post('totp/verify')
  @ApiBearerAuth('bearer')
  @HttpCode(200)
  @ApiOperation({
    summary: "Turn MFA on with the app's first code; answers the recovery codes, once",
  })
  @ApiOkResponse({ type: RecoveryCodesResponseDto })
  @ApiProblems(400, 401, 409, 429)
  async verifyTotp(
    @CurrentUser() principal: AuthPrincipal,
    @Body() body: TotpCodeDto,
    @Client() client: ClientInfo,
  ): Promise<RecoveryCodesResponseDto> {
    return { recoveryCodes: await this.enrolment.activate(principal, body.code, client) };
  }

  @Delete('totp')
  @ApiBearerAuth('bearer')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Turn MFA off (needs a fresh code or a recovery code); the recovery codes go too',
  })
  @ApiNoContentResponse()
  @ApiProblems(400, 401, 409, 429)
  disableTotp(
    @CurrentUser() principal: AuthPrincipal,
    @Body() body: MfaCodeDto,
    @Client() client: ClientInfo,
  ): Promise<void> {
    return this.enrolment.disable(principal, body.code, client);
  }

  @Post('recovery-codes')
  @ApiBearerAuth('bearer')
  @RequiresAal2()
  @HttpCode(200)
  @ApiOperation({
    summary: 'New recovery codes (the old ones stop working); needs an aal2 session',
  })
  @ApiOkResponse({ type: RecoveryCodesResponseDto })
  @ApiProblems(401, 403, 409)
  async regenerateRecoveryCodes(
    @CurrentUser() principal: AuthPrincipal,
    @Client() client: ClientInfo,
  ): Promise<RecoveryCodesResponseDto> {
    return { recoveryCodes: await this.enrolment.regenerateRecoveryCodes(principal, client) };
  }

  @Post('challenge')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Complete a sign-in with the second factor: starts the session',
    description:
      'The mfaToken from POST /auth/login plus a code from the authenticator app or a recovery code. Each code is accepted once; a few wrong codes end the pending sign-in (401 `invalid-mfa-token`), and wrong codes per account are rate limited (429).',
  })
  @ApiOkResponse({ type: TokenResponseDto })
  @ApiProblems(400, 401, 429)
  async challenge(
    @Body() body: MfaChallengeDto,
    @Client() client: ClientInfo,
  ): Promise<TokenResponseDto> {
    return toTokenResponse(await this.challenges.challenge(body.mfaToken, body.code, client));
  }

  @Post('step-up')
  @ApiBearerAuth('bearer')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Give the second factor in a signed-in session: a new access token at aal2',
    description:
      'For a 403 `step-up-required`. The session keeps aal2 for its lifetime (refreshes too); the refresh token is unchanged.',
  })
  @ApiOkResponse({ type: StepUpResponseDto })
  @ApiProblems(400, 401, 409, 429)
  async stepUp(
    @CurrentUser() principal: AuthPrincipal,
    @Body() body: MfaCodeDto,
    @Client() client: ClientInfo,
  ): Promise<StepUpResponseDto> {
    const access = await this.stepUps.stepUp(principal, body.code, client);
    return { accessToken: access.token, expiresIn: access.expiresIn, tokenType: 'Bearer' };
  }
}
