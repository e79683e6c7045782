import { Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthPrincipal } from '../../common/auth/auth-principal.js';
import { ApiProblems } from '../../http/api-problems.decorator.js';
import { UuidParam } from '../../http/uuid-param.js';
import { InboxService } from './inbox.service.js';
import {
  ListNotificationsQueryDto,
  NotificationPageDto,
  NotificationResponseDto,
  ReadAllResultDto,
  toNotificationPage,
  toNotificationResponse,
  UnreadCountDto,
} from './dto/notification.dto.js';

// Operation ids are spelt out so that clients generated before the controller split keep theirs.
@ApiTags('notifications')
@ApiBearerAuth('bearer')
@Controller('notifications')
export class InboxController {
  constructor(private readonly inbox: InboxService) {}

  @Get()
  @ApiOperation({ summary: 'The in-app inbox, newest first' })
  @ApiOkResponse({ type: NotificationPageDto })
  @ApiProblems(400, 401)
  async list(
    @CurrentUser() user: AuthPrincipal,
    @Query() query: ListNotificationsQueryDto,
  ): Promise<NotificationPageDto> {
    return toNotificationPage(await this.inbox.list(user.userId, query));
  }

  @Get('unread-count')
  @ApiOperation({
    summary: 'How many inbox notifications are unread',
  })
  @ApiOkResponse({ type: UnreadCountDto })
  @ApiProblems(401)
  async unreadCount(@CurrentUser() user: AuthPrincipal): Promise<UnreadCountDto> {
    return { count: await this.inbox.unreadCount(user.userId) };
  }

  @Post('read-all')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Mark every inbox notification read',
  })
  @ApiOkResponse({ type: ReadAllResultDto })
  @ApiProblems(401)
  async readAll(@CurrentUser() user: AuthPrincipal): Promise<ReadAllResultDto> {
    return { marked: await this.inbox.markAllRead(user.userId) };
  }

  @Post(':id/read')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Mark one notification read (idempotent)',
  })
  @ApiOkResponse({ type: NotificationResponseDto })
  @ApiProblems(400, 401, 404)
  async read(
    @CurrentUser() user: AuthPrincipal,
    @UuidParam() id: string,
  ): Promise<NotificationResponseDto> {
    return toNotificationResponse(await this.inbox.markRead(user.userId, id));
  }
}
