import { Controller, Delete, Get, HttpCode, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentUser, type AuthPrincipal } from '../../common/auth/auth-principal.js';
import { ApiProblems } from '../../http/api-problems.decorator.js';
import { PageQueryDto } from '../../http/pagination/page-query.dto.js';
import { UuidParam } from '../../http/uuid-param.js';
import { Client, type ClientInfo } from '../client-info.js';
import { toSessionPage } from './dto/session-response.mapper.js';
import { SessionPageDto } from './dto/session.dto.js';
import { SessionsService } from './sessions.service.js';

@ApiTags('auth')
@ApiBearerAuth('bearer')
@Controller('auth/sessions')
export class SessionsController {
  constructor(private readonly sessions: SessionsService) {}

  @Get()
  @ApiOperation({ summary: 'My signed-in devices, newest first (the current one flagged)' })
  @ApiOkResponse({ type: SessionPageDto })
  @ApiProblems(400, 401)
  async list(
    @CurrentUser() principal: AuthPrincipal,
    @Query() query: PageQueryDto,
  ): Promise<SessionPageDto> {
    const page = await this.sessions.list(principal, {
      limit: query.limit ?? 20,
      cursor: query.cursor,
    });
    return toSessionPage(page);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Sign out one of my devices' })
  @ApiNoContentResponse()
  @ApiProblems(400, 401, 404)
  revoke(
    @CurrentUser() principal: AuthPrincipal,
    @UuidParam() id: string,
    @Client() client: ClientInfo,
  ): Promise<void> {
    return this.sessions.revokeOwn(principal.userId, id, client);
  }
}
