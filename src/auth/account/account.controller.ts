import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Query,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentUser, Roles, type AuthPrincipal } from '../common/auth/auth-principal.js';
import { ApiProblems } from '../http/api-problems.decorator.js';
import { ProblemException } from '../http/problem.exception.js';
import { UserResponseDto } from '../users/index.js';
import { UsersService } from '../users/index.js';
import { AccountService } from './account.service.js';
import { AuthEventsService } from './auth-events.service.js';
import { Client, type ClientInfo } from './client-info.js';
import { AdminUpdateUserDto } from './dto/admin-update-user.dto.js';
import { AuthEventPageDto } from './dto/auth-event.dto.js';
import { DeleteAccountDto } from './dto/auth.dto.js';
import { PageQueryDto } from '../http/pagination/page-query.dto.js';

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
    private readonly users: UsersService,
    private readonly events: AuthEventsService,
  ) {}

  @Delete('me')
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
  update(
    @CurrentUser() principal: AuthPrincipal,
    @Param('id', new ParseUUIDPipe({ version: '4' })) id: string,
    @Body() body: AdminUpdateUserDto,
    @Client() client: ClientInfo,
  ): Promise<UserResponseDto> {
    return this.accounts.adminUpdate(principal, id, body, client);
  }

  @Delete(':id')
  @Roles('admin')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a user (admin): personal data is erased, sessions end' })
  @ApiNoContentResponse()
  @ApiProblems(400, 401, 403, 404, 409)
  delete(
    @CurrentUser() principal: AuthPrincipal,
    @Param('id', new ParseUUIDPipe({ version: '4' })) id: string,
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
    @Param('id', new ParseUUIDPipe({ version: '4' })) id: string,
    @Query() query: PageQueryDto,
  ): Promise<AuthEventPageDto> {
    // A deleted user's events stay readable: that is what the audit trail is kept for.
    if (!(await this.users.everExisted(id))) {
      throw new ProblemException({ status: 404, slug: 'not-found', detail: 'No such user.' });
    }
    return this.events.listForUser(id, query.limit ?? 20, query.cursor);
  }
}
