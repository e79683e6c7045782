import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentUser, Roles, type AuthPrincipal } from '../../common/auth/auth-principal.js';
import { ApiProblems } from '../../http/api-problems.decorator.js';
import { UuidParam } from '../../http/uuid-param.js';
import { BroadcastsService } from './broadcasts.service.js';
import {
  BroadcastResponseDto,
  CreateBroadcastDto,
  toBroadcastResponse,
} from './dto/broadcast.dto.js';

@ApiTags('notifications')
@ApiBearerAuth('bearer')
@Controller('notifications')
export class BroadcastsController {
  constructor(private readonly broadcasts: BroadcastsService) {}

  @Post('broadcast')
  @Roles('admin')
  @ApiOperation({
    summary: 'Send an announcement to every active user or one role (admin)',
    description:
      'Answers at once; the worker fans it out in batches, respecting each user’s preferences (announcement email is opt-in). Follow progress with `GET /notifications/broadcasts/{id}`.',
  })
  @ApiAcceptedResponse({ type: BroadcastResponseDto })
  @HttpCode(202)
  @ApiProblems(400, 401, 403)
  async create(
    @CurrentUser() user: AuthPrincipal,
    @Body() body: CreateBroadcastDto,
  ): Promise<BroadcastResponseDto> {
    return toBroadcastResponse(await this.broadcasts.create(user.userId, body));
  }

  @Get('broadcasts/:id')
  @Roles('admin')
  @ApiOperation({
    summary: 'A broadcast’s progress (admin)',
  })
  @ApiOkResponse({ type: BroadcastResponseDto })
  @ApiProblems(400, 401, 403, 404)
  async get(@UuidParam() id: string): Promise<BroadcastResponseDto> {
    return toBroadcastResponse(await this.broadcasts.progress(id));
  }
}
