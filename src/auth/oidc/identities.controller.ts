import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentUser, type AuthPrincipal } from '../../common/auth/auth-principal.js';
import { RequiresAal2 } from '../../common/auth/step-up.decorator.js';
import { ApiProblems } from '../../http/api-problems.decorator.js';
import { PageQueryDto } from '../../http/pagination/page-query.dto.js';
import { UuidParam } from '../../http/uuid-param.js';
import { Client, type ClientInfo } from '../client-info.js';
import {
  IdentityPageDto,
  IdentityResponseDto,
  toIdentityPage,
  toIdentityResponse,
} from './dto/identity-response.dto.js';
import { LinkIdentityDto } from './dto/oidc.dto.js';
import { IdentitiesService } from './identities.service.js';

/** My linked social sign-ins. */
@ApiTags('auth')
@ApiBearerAuth('bearer')
// Linking sits beside the other provider routes (/auth/oidc/{provider}/…): OpenAPI cannot have
// both /auth/identities/{provider} and /auth/identities/{id}.
@Controller('auth')
export class IdentitiesController {
  constructor(private readonly identities: IdentitiesService) {}

  @Get('identities')
  @ApiOperation({
    summary: 'My linked sign-in providers, newest first',
  })
  @ApiOkResponse({ type: IdentityPageDto })
  @ApiProblems(400, 401)
  async list(
    @CurrentUser() principal: AuthPrincipal,
    @Query() query: PageQueryDto,
  ): Promise<IdentityPageDto> {
    const page = await this.identities.list(principal, {
      limit: query.limit ?? 20,
      cursor: query.cursor,
    });
    return toIdentityPage(page);
  }

  @Post('oidc/:provider/link')
  @HttpCode(200)
  @ApiParam({ name: 'provider', description: 'A configured provider name', example: 'google' })
  @ApiOperation({
    summary: 'Link a provider to my account with its id token (idempotent for the same subject)',
  })
  @ApiOkResponse({ type: IdentityResponseDto })
  @ApiProblems(400, 401, 404, 409, 429, 503)
  async link(
    @CurrentUser() principal: AuthPrincipal,
    @Param('provider') provider: string,
    @Body() body: LinkIdentityDto,
    @Client() client: ClientInfo,
  ): Promise<IdentityResponseDto> {
    return toIdentityResponse(await this.identities.link(principal, provider, body, client));
  }

  @Delete('identities/:id')
  @HttpCode(204)
  @RequiresAal2()
  @ApiOperation({
    summary: 'Unlink a provider; refused (409) when it is the last way to sign in',
  })
  @ApiNoContentResponse()
  @ApiProblems(400, 401, 404, 409)
  unlink(
    @CurrentUser() principal: AuthPrincipal,
    @UuidParam() id: string,
    @Client() client: ClientInfo,
  ): Promise<void> {
    return this.identities.unlink(principal, id, client);
  }
}
