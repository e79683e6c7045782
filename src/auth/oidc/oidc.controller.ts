import { Body, Controller, Get, HttpCode, Param, Post, Query, Redirect } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Public } from '../../common/auth/public.decorator.js';
import { ApiProblems } from '../../http/api-problems.decorator.js';
import { Client, type ClientInfo } from '../client-info.js';
import { TokenResponseDto } from '../login/dto/auth.dto.js';
import {
  ApiSignInOkResponse,
  MfaRequiredResponseDto,
  toSignInResponse,
} from '../login/dto/sign-in-response.dto.js';
import { AuthorizeQueryDto, IdTokenExchangeDto, OidcCodeDto } from './dto/oidc.dto.js';
import { OidcExchangeService } from './oidc-exchange.service.js';
import { OidcTokenService } from './oidc-token.service.js';
import { OidcWebService } from './oidc-web.service.js';

const PROVIDER = ApiParam({
  name: 'provider',
  description: 'A configured provider name (OIDC_PROVIDERS), e.g. `google`, `apple`',
  example: 'google',
});
const REDIRECT = (description: string) =>
  ApiResponse({
    status: 302,
    description,
    headers: {
      Location: {
        description: 'Where the browser goes next',
        required: true,
        schema: { type: 'string', format: 'uri' },
      },
    },
  });

/** Social sign-in: native apps trade an id token; browsers run the authorization code flow. */
@ApiTags('auth')
@Controller('auth/oidc')
export class OidcController {
  constructor(
    private readonly tokens: OidcTokenService,
    private readonly web: OidcWebService,
    private readonly exchanges: OidcExchangeService,
  ) {}

  @Post(':provider/token')
  @Public()
  @HttpCode(200)
  @PROVIDER
  @ApiOperation({
    summary: "Sign in with a provider's id token (native apps); creates or links the account",
    description:
      'Each id token is accepted once. A new subject whose email matches an account is linked only if both sides verified that email; otherwise a 409 `oidc-account-exists`.',
  })
  @ApiSignInOkResponse()
  @ApiProblems(400, 401, 403, 404, 409, 429, 503)
  async token(
    @Param('provider') provider: string,
    @Body() body: IdTokenExchangeDto,
    @Client() client: ClientInfo,
  ): Promise<TokenResponseDto | MfaRequiredResponseDto> {
    return toSignInResponse(await this.tokens.exchange(provider, body, client));
  }

  @Get(':provider/authorize')
  @Public()
  @Redirect()
  @PROVIDER
  @ApiOperation({
    summary: "Start the browser sign-in: redirects to the provider's login page",
  })
  @REDIRECT('To the provider, with state, nonce and a PKCE S256 challenge')
  @ApiProblems(400, 404, 429, 503)
  async authorize(
    @Param('provider') provider: string,
    @Query() query: AuthorizeQueryDto,
    @Client() client: ClientInfo,
  ): Promise<{ url: string; statusCode: number }> {
    return { url: await this.web.authorize(provider, query.redirectUri, client), statusCode: 302 };
  }

  @Get(':provider/callback')
  @Public()
  @Redirect()
  @PROVIDER
  @ApiQuery({ name: 'state', required: true, schema: { type: 'string' } })
  @ApiQuery({ name: 'code', required: false, schema: { type: 'string' } })
  @ApiQuery({ name: 'error', required: false, schema: { type: 'string' } })
  @ApiOperation({
    summary: "The provider's redirect back: on to the app with `#code=` (or `#error=`)",
    description:
      "With a valid state the browser always goes on to the app: `#code=…` on success, otherwise `#error=` with the provider's error or our problem code (`invalid-id-token`, `oidc-account-exists`, `oidc-email-required`, `account-disabled`, `oidc-provider-unavailable`).",
  })
  @REDIRECT('To the redirectUri given to authorize, with a one-time code in the fragment')
  @ApiProblems(400, 404)
  async callback(
    @Param('provider') provider: string,
    // The provider may add parameters of its own (scope, iss…): read raw, not whitelisted.
    @Query() query: Record<string, unknown>,
    @Client() client: ClientInfo,
  ): Promise<{ url: string; statusCode: number }> {
    return {
      url: await this.web.callback(provider, searchParamsOf(query), client),
      statusCode: 302,
    };
  }

  @Post(':provider/callback')
  @Public()
  @HttpCode(302)
  @Redirect()
  @PROVIDER
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiBody({
    description:
      "The provider's authorization response as a form post (`response_mode=form_post`, Apple)",
    schema: {
      type: 'object',
      required: ['state'],
      properties: {
        state: { type: 'string' },
        code: { type: 'string' },
        error: { type: 'string' },
        user: {
          type: 'string',
          description:
            'Apple, first authorization only: JSON with `name.firstName` and `name.lastName`',
        },
      },
    },
  })
  @ApiOperation({
    summary: "The provider's form post back: on to the app with `#code=` (or `#error=`)",
    description:
      'Like the GET callback, for providers that post the response (`OIDC_<NAME>_RESPONSE_MODE=form_post`). The only operation taking `application/x-www-form-urlencoded`.',
  })
  @REDIRECT('To the redirectUri given to authorize, with a one-time code in the fragment')
  @ApiProblems(400, 404, 413, 415)
  async formPostCallback(
    @Param('provider') provider: string,
    // The provider's fields, read raw like the GET callback's query.
    @Body() form: Record<string, unknown>,
    @Client() client: ClientInfo,
  ): Promise<{ url: string; statusCode: number }> {
    return {
      url: await this.web.callback(provider, searchParamsOf(form ?? {}), client),
      statusCode: 302,
    };
  }

  @Post('exchange')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: "Trade the browser flow's one-time code for a session",
  })
  @ApiSignInOkResponse()
  @ApiProblems(400, 401, 403, 429)
  async exchange(
    @Body() body: OidcCodeDto,
    @Client() client: ClientInfo,
  ): Promise<TokenResponseDto | MfaRequiredResponseDto> {
    return toSignInResponse(await this.exchanges.exchange(body.code, body.deviceName, client));
  }
}

function searchParamsOf(query: Record<string, unknown>): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (typeof value === 'string') params.set(key, value);
  }
  return params;
}
