import { Body, Controller, Delete, Get, HttpCode, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentUser, type AuthPrincipal } from '../../common/auth/auth-principal.js';
import { Public } from '../../common/auth/public.decorator.js';
import { ApiProblems } from '../../http/api-problems.decorator.js';
import { PageQueryDto } from '../../http/pagination/page-query.dto.js';
import { UuidParam } from '../../http/uuid-param.js';
import { Client, type ClientInfo } from '../client-info.js';
import { TokenResponseDto } from '../login/dto/auth.dto.js';
import { toTokenResponse } from '../login/dto/token-response.mapper.js';
import { PasskeySignInDto, RegisterPasskeyDto } from './dto/passkey-credential.dto.js';
import {
  PasskeyAuthenticationOptionsDto,
  PasskeyRegistrationOptionsDto,
  toPasskeyAuthenticationOptions,
  toPasskeyRegistrationOptions,
} from './dto/passkey-options.dto.js';
import {
  PasskeyPageDto,
  PasskeyResponseDto,
  toPasskeyPage,
  toPasskeyResponse,
} from './dto/passkey-response.dto.js';
import { PasskeyRegistrationService } from './passkey-registration.service.js';
import { PasskeySignInService } from './passkey-sign-in.service.js';
import { PasskeysService } from './passkeys.service.js';

/** Passkeys (WebAuthn): add one while signed in, sign in with one, list and remove them. */
@ApiTags('auth')
@Controller('auth/passkeys')
export class PasskeysController {
  constructor(
    private readonly registration: PasskeyRegistrationService,
    private readonly signIn: PasskeySignInService,
    private readonly passkeys: PasskeysService,
  ) {}

  @Post('registration/options')
  @ApiBearerAuth('bearer')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Start adding a passkey: options for navigator.credentials.create()',
    description:
      'The challenge is valid for 5 minutes and for one POST /auth/passkeys/registration. An account holds at most 10 passkeys (409 passkey-limit-reached).',
  })
  @ApiOkResponse({ type: PasskeyRegistrationOptionsDto })
  @ApiProblems(401, 409)
  async registrationOptions(
    @CurrentUser() principal: AuthPrincipal,
  ): Promise<PasskeyRegistrationOptionsDto> {
    return toPasskeyRegistrationOptions(await this.registration.options(principal.userId));
  }

  @Post('registration')
  @ApiBearerAuth('bearer')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Finish adding a passkey with what the authenticator created',
    description:
      'A wrong origin or RP id, an expired or already used challenge, or a response that does not verify: 400 passkey-registration-failed (ask for new options).',
  })
  @ApiCreatedResponse({ type: PasskeyResponseDto })
  @ApiProblems(400, 401, 409)
  async register(
    @CurrentUser() principal: AuthPrincipal,
    @Body() body: RegisterPasskeyDto,
    @Client() client: ClientInfo,
  ): Promise<PasskeyResponseDto> {
    const passkey = await this.registration.register(
      principal.userId,
      { response: body.credential, name: body.name },
      client,
    );
    return toPasskeyResponse(passkey);
  }

  @Post('authentication/options')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Start signing in with a passkey: options for navigator.credentials.get()',
    description:
      'Names no user (discoverable credentials): the authenticator offers the passkeys it holds. The challenge is valid for 5 minutes and for one POST /auth/passkeys/authentication.',
  })
  @ApiOkResponse({ type: PasskeyAuthenticationOptionsDto })
  @ApiProblems(429)
  async authenticationOptions(
    @Client() client: ClientInfo,
  ): Promise<PasskeyAuthenticationOptionsDto> {
    return toPasskeyAuthenticationOptions(await this.signIn.options(client));
  }

  @Post('authentication')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Sign in with a passkey: starts a session on this device (assurance aal2)',
    description:
      'An unknown passkey, a bad signature, a wrong origin or RP id, an expired or already used challenge: the same 401 passkey-authentication-failed.',
  })
  @ApiOkResponse({ type: TokenResponseDto })
  @ApiProblems(400, 401, 403, 429)
  async authenticate(
    @Body() body: PasskeySignInDto,
    @Client() client: ClientInfo,
  ): Promise<TokenResponseDto> {
    const signedIn = await this.signIn.authenticate(
      { response: body.credential, deviceName: body.deviceName },
      client,
    );
    return toTokenResponse(signedIn);
  }

  @Get()
  @ApiBearerAuth('bearer')
  @ApiOperation({ summary: 'My passkeys, newest first' })
  @ApiOkResponse({ type: PasskeyPageDto })
  @ApiProblems(400, 401)
  async list(
    @CurrentUser() principal: AuthPrincipal,
    @Query() query: PageQueryDto,
  ): Promise<PasskeyPageDto> {
    const page = await this.passkeys.list(principal.userId, {
      limit: query.limit ?? 20,
      cursor: query.cursor,
    });
    return toPasskeyPage(page);
  }

  @Delete(':id')
  @ApiBearerAuth('bearer')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Remove one of my passkeys (it no longer signs in)',
  })
  @ApiNoContentResponse()
  @ApiProblems(400, 401, 404)
  remove(
    @CurrentUser() principal: AuthPrincipal,
    @UuidParam() id: string,
    @Client() client: ClientInfo,
  ): Promise<void> {
    return this.passkeys.remove(principal.userId, id, client);
  }
}
