import { Controller, Delete, Get, HttpCode, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentUser, Roles, type AuthPrincipal } from '../../common/auth/auth-principal.js';
import { ApiProblems } from '../../http/api-problems.decorator.js';
import { PageQueryDto } from '../../http/pagination/page-query.dto.js';
import { UuidParam } from '../../http/uuid-param.js';
import { Client, type ClientInfo } from '../client-info.js';
import { RevokedSessionsDto } from '../login/dto/auth.dto.js';
import { AdminSessionsService } from './admin-sessions.service.js';
import { toSessionPage } from './dto/session-response.mapper.js';
import { SessionPageDto } from './dto/session.dto.js';

/** Another user's signed-in devices, for administrators (the admin console's user page). */
@ApiTags('users')
@ApiBearerAuth('bearer')
@Controller('users/:id/sessions')
export class AdminSessionsController {
  constructor(private readonly sessions: AdminSessionsService) {}

  @Get()
  @Roles('admin')
  @ApiOperation({ summary: "A user's live sessions, newest first (admin)" })
  @ApiOkResponse({ type: SessionPageDto })
  @ApiProblems(400, 401, 403, 404)
  async list(
    @CurrentUser() admin: AuthPrincipal,
    @UuidParam() id: string,
    @Query() query: PageQueryDto,
  ): Promise<SessionPageDto> {
    const page = await this.sessions.list(admin, id, {
      limit: query.limit ?? 20,
      cursor: query.cursor,
    });
    return toSessionPage(page);
  }

  @Delete()
  @Roles('admin')
  @HttpCode(200)
  @ApiOperation({ summary: "End all of a user's sessions (admin); audited with you as actor" })
  @ApiOkResponse({ type: RevokedSessionsDto })
  @ApiProblems(400, 401, 403, 404)
  async revokeAll(
    @CurrentUser() admin: AuthPrincipal,
    @UuidParam() id: string,
    @Client() client: ClientInfo,
  ): Promise<RevokedSessionsDto> {
    return { revokedSessions: await this.sessions.revokeAll(admin, id, client) };
  }

  @Delete(':sessionId')
  @Roles('admin')
  @HttpCode(204)
  @ApiOperation({ summary: "End one of a user's sessions (admin); audited with you as actor" })
  @ApiNoContentResponse()
  @ApiProblems(400, 401, 403, 404)
  revokeOne(
    @CurrentUser() admin: AuthPrincipal,
    @UuidParam() id: string,
    @UuidParam('sessionId') sessionId: string,
    @Client() client: ClientInfo,
  ): Promise<void> {
    return this.sessions.revokeOne(admin, id, sessionId, client);
  }
}
