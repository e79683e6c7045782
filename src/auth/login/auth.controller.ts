import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiBody,
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
import { EmailVerificationService } from '../recovery/email-verification.service.js';
import { ForgotPasswordService } from '../recovery/forgot-password.service.js';
import { PasswordChangeService } from '../recovery/password-change.service.js';
import { PasswordResetService } from '../recovery/password-reset.service.js';
import { RefreshService } from '../sessions/refresh.service.js';
import { SessionsService } from '../sessions/sessions.service.js';
import {
  AcceptedDto,
  ChangePasswordDto,
  EmailDto,
  LoginDto,
  LogoutAllDto,
  RefreshDto,
  RegisterDto,
  ResetPasswordDto,
  RevokedSessionsDto,
  TokenDto,
  TokenResponseDto,
} from './dto/auth.dto.js';
import {
  ApiSignInOkResponse,
  MfaRequiredResponseDto,
  toSignInResponse,
} from './dto/sign-in-response.dto.js';
import { toTokenResponse } from './dto/token-response.mapper.js';
import { LoginService } from './login.service.js';
import { RegistrationService } from './registration.service.js';

const ACCEPTED: AcceptedDto = {
  message: 'If the address belongs to an account, an email is on its way.',
};
const REGISTERED: AcceptedDto = {
  message: 'Check your inbox: an email is on its way to finish signing up.',
};

/**
 * Every /auth route of the login, sessions and recovery use cases. One class, because the
 * published OpenAPI operation ids (`Auth_login`, ...) are named after it; each route still calls
 * one service.
 */
@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly registration: RegistrationService,
    private readonly logins: LoginService,
    private readonly refreshes: RefreshService,
    private readonly sessions: SessionsService,
    private readonly verification: EmailVerificationService,
    private readonly forgotPassword: ForgotPasswordService,
    private readonly passwordReset: PasswordResetService,
    private readonly passwordChange: PasswordChangeService,
  ) {}

  @Post('register')
  @Public()
  @HttpCode(202)
  @ApiOperation({
    summary: 'Create an account; a verification email follows',
    description:
      'Answers the same 202 whether or not the address already has an account (no account enumeration): the owner of a taken address gets an email saying so. Sign in with POST /auth/login (unverified accounts may sign in unless AUTH_ALLOW_UNVERIFIED_LOGIN=false).',
  })
  @ApiAcceptedResponse({ type: AcceptedDto })
  @ApiProblems(400, 429)
  async register(@Body() body: RegisterDto, @Client() client: ClientInfo): Promise<AcceptedDto> {
    await this.registration.register(body, client);
    return REGISTERED;
  }

  @Post('login')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Sign in: starts a session on this device',
    description:
      'Without two-factor authentication: the token pair. With it: `{ mfaRequired: true, mfaToken, methods }` and no tokens yet; complete the sign-in with POST /auth/mfa/challenge.',
  })
  @ApiSignInOkResponse()
  @ApiProblems(400, 401, 403, 429)
  async login(
    @Body() body: LoginDto,
    @Client() client: ClientInfo,
  ): Promise<TokenResponseDto | MfaRequiredResponseDto> {
    return toSignInResponse(await this.logins.login(body, client));
  }

  @Post('refresh')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Exchange the refresh token for a new pair (the old refresh token stops working)',
  })
  @ApiOkResponse({ type: TokenResponseDto })
  @ApiProblems(400, 401, 409, 429)
  async refresh(@Body() body: RefreshDto, @Client() client: ClientInfo): Promise<TokenResponseDto> {
    return toTokenResponse(await this.refreshes.refresh(body.refreshToken, client));
  }

  @Post('logout')
  @ApiBearerAuth('bearer')
  @HttpCode(204)
  @ApiOperation({ summary: 'End the current session' })
  @ApiNoContentResponse()
  @ApiProblems(401)
  logout(@CurrentUser() principal: AuthPrincipal, @Client() client: ClientInfo): Promise<void> {
    return this.sessions.logout(principal, client);
  }

  @Post('logout-all')
  @ApiBearerAuth('bearer')
  @HttpCode(200)
  @ApiOperation({ summary: 'End every other session (or all, with includeCurrent)' })
  @ApiBody({ type: LogoutAllDto, required: false, description: 'May be empty' })
  @ApiOkResponse({ type: RevokedSessionsDto })
  @ApiProblems(400, 401)
  async logoutAll(
    @CurrentUser() principal: AuthPrincipal,
    @Body() body: LogoutAllDto,
    @Client() client: ClientInfo,
  ): Promise<RevokedSessionsDto> {
    const revokedSessions = await this.sessions.logoutAll(
      principal,
      body.includeCurrent ?? false,
      client,
    );
    return { revokedSessions };
  }

  @Post('email/verify')
  @Public()
  @HttpCode(204)
  @ApiOperation({ summary: 'Confirm the email address with the mailed token' })
  @ApiNoContentResponse()
  @ApiProblems(400)
  verifyEmail(@Body() body: TokenDto, @Client() client: ClientInfo): Promise<void> {
    return this.verification.verifyEmail(body.token, client);
  }

  @Post('email/resend')
  @Public()
  @HttpCode(202)
  @ApiOperation({ summary: 'Send the verification email again (same answer for any address)' })
  @ApiAcceptedResponse({ type: AcceptedDto })
  @ApiProblems(400, 429)
  async resend(@Body() body: EmailDto, @Client() client: ClientInfo): Promise<AcceptedDto> {
    await this.verification.resendVerification(body.email, client);
    return ACCEPTED;
  }

  @Post('password/forgot')
  @Public()
  @HttpCode(202)
  @ApiOperation({ summary: 'Mail a password reset link (same answer for any address)' })
  @ApiAcceptedResponse({ type: AcceptedDto })
  @ApiProblems(400, 429)
  async forgot(@Body() body: EmailDto, @Client() client: ClientInfo): Promise<AcceptedDto> {
    await this.forgotPassword.forgotPassword(body.email, client);
    return ACCEPTED;
  }

  @Post('password/reset')
  @Public()
  @HttpCode(204)
  @ApiOperation({ summary: 'Set a new password with the mailed token; ends every session' })
  @ApiNoContentResponse()
  @ApiProblems(400)
  reset(@Body() body: ResetPasswordDto, @Client() client: ClientInfo): Promise<void> {
    return this.passwordReset.resetPassword(body.token, body.newPassword, client);
  }

  @Post('password/change')
  @ApiBearerAuth('bearer')
  @RequiresAal2()
  @HttpCode(204)
  @ApiOperation({ summary: 'Change the password; ends every other session' })
  @ApiNoContentResponse()
  @ApiProblems(400, 401, 403, 429)
  change(
    @CurrentUser() principal: AuthPrincipal,
    @Body() body: ChangePasswordDto,
    @Client() client: ClientInfo,
  ): Promise<void> {
    return this.passwordChange.changePassword(
      principal,
      body.currentPassword,
      body.newPassword,
      client,
    );
  }
}
