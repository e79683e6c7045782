import { Body, Controller, Delete, Get, HttpCode, Patch, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentUser, Roles, type AuthPrincipal } from '../../common/auth/auth-principal.js';
import { RequiresAal2 } from '../../common/auth/step-up.decorator.js';
import { ApiProblems } from '../../http/api-problems.decorator.js';
import { PageQueryDto } from '../../http/pagination/page-query.dto.js';
import { UuidParam } from '../../http/uuid-param.js';
import { AvatarUrls, toUserResponse, UserResponseDto } from '../../users/index.js';
import { Client, type ClientInfo } from '../client-info.js';
import { DeleteAccountDto } from '../login/dto/auth.dto.js';
import { AccountService } from './account.service.js';
import { AuthEventsService } from './auth-events.service.js';
import { AdminUpdateUserDto } from './dto/admin-update-user.dto.js';
import { toAuthEventPage } from './dto/auth-event-response.mapper.js';
import { AuthEventPageDto } from './dto/auth-event.dto.js';

/**
 * The /users routes that decide who may sign in (they revoke sessions), plus the audit trail.
 * GET/PATCH /users/me and the admin reads are in UsersController.
 */
@ApiTags('users')
@ApiBearerAuth('bearer')
@Controller('users')
export class AccountController {
  constructor(
    private readonly accounts: AccountService,
    private readonly events: AuthEventsService,
    private readonly avatars: AvatarUrls,
  ) {}

  @Delete('me')
  @RequiresAal2()
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete my account (needs the password): personal data is erased, sessions end',
  })
  @ApiNoContentResponse()
  @ApiProblems(400, 401, 403, 429)
  deleteMe(
    @CurrentUser() principal: AuthPrincipal,
    @Body() body: DeleteAccountDto,
    @Client() client: ClientInfo,
  ): Promise<void> {
    return this.accounts.deleteOwn(principal, body.password, client);
  }

  @Patch(':id')
  @Roles('admin')
  @ApiOperation({ summary: "Change a user's role or status (admin); ends their sessions" })
  @ApiOkResponse({ type: UserResponseDto })
  @ApiProblems(400, 401, 403, 404, 409)
  async update(
    @CurrentUser() principal: AuthPrincipal,
    @UuidParam() id: string,
    @Body() body: AdminUpdateUserDto,
    @Client() client: ClientInfo,
  ): Promise<UserResponseDto> {
    const after = await this.accounts.adminUpdate(principal, id, body, client);
    return toUserResponse(await this.avatars.with(after));
  }

  @Delete(':id')
  @Roles('admin')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a user (admin): personal data is erased, sessions end' })
  @ApiNoContentResponse()
  @ApiProblems(400, 401, 403, 404, 409)
  delete(
    @CurrentUser() principal: AuthPrincipal,
    @UuidParam() id: string,
    @Client() client: ClientInfo,
  ): Promise<void> {
    return this.accounts.adminDelete(principal, id, client);
  }

  @Get(':id/auth-events')
  @Roles('admin')
  @ApiOperation({
    summary: "A user's security events, newest first (admin); a deleted user's too",
  })
  @ApiOkResponse({ type: AuthEventPageDto })
  @ApiProblems(400, 401, 403, 404)
  async authEvents(
    @UuidParam() id: string,
    @Query() query: PageQueryDto,
  ): Promise<AuthEventPageDto> {
    const page = await this.events.listForUser(id, {
      limit: query.limit ?? 20,
      cursor: query.cursor,
    });
    return toAuthEventPage(page);
  }
}
