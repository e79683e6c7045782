import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Put,
  Query,
  Res,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiSecurity,
  ApiTags,
  getSchemaPath,
  type MediaTypeObject,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentUser, Roles, type AuthPrincipal } from '../common/auth/auth-principal.js';
import { Public } from '../common/auth/public.decorator.js';
import { ApiProblems } from '../http/api-problems.decorator.js';
import { ProblemException } from '../http/problem.exception.js';
import { UsersService } from '../users/index.js';
import { BroadcastsService } from './broadcasts.service.js';
import { DevicesService } from './devices.service.js';
import { BroadcastResponseDto, CreateBroadcastDto } from './dto/broadcast.dto.js';
import { DeviceResponseDto, RegisterDeviceDto } from './dto/device.dto.js';
import {
  ListNotificationsQueryDto,
  NotificationPageDto,
  NotificationResponseDto,
  ReadAllResultDto,
  UnreadCountDto,
} from './dto/notification.dto.js';
import { PreferencesResponseDto, UpdatePreferencesDto } from './dto/preferences.dto.js';
import { StreamQueryDto, StreamTicketDto } from './dto/stream.dto.js';
import { InboxService } from './inbox.service.js';
import { toPreferencesResponse, toPreferencesUpdate } from './preferences.mapper.js';
import { PreferencesService } from './preferences.service.js';
import { StreamService } from './stream.service.js';

const uuid = () => new ParseUUIDPipe({ version: '4' });
const notFound = (what: string) =>
  new ProblemException({ status: 404, slug: 'not-found', detail: `No such ${what}.` });

@ApiTags('notifications')
@ApiBearerAuth('bearer')
@Controller('notifications')
export class NotificationsController {
  constructor(
    private readonly inbox: InboxService,
    private readonly preferences: PreferencesService,
    private readonly users: UsersService,
    private readonly devices: DevicesService,
    private readonly stream: StreamService,
    private readonly broadcasts: BroadcastsService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'The in-app inbox, newest first' })
  @ApiOkResponse({ type: NotificationPageDto })
  @ApiProblems(400, 401)
  list(
    @CurrentUser() user: AuthPrincipal,
    @Query() query: ListNotificationsQueryDto,
  ): Promise<NotificationPageDto> {
    return this.inbox.list(user.userId, query);
  }

  @Get('unread-count')
  @ApiOperation({ summary: 'How many inbox notifications are unread' })
  @ApiOkResponse({ type: UnreadCountDto })
  @ApiProblems(401)
  async unreadCount(@CurrentUser() user: AuthPrincipal): Promise<UnreadCountDto> {
    return { count: await this.inbox.unreadCount(user.userId) };
  }

  @Post('read-all')
  @HttpCode(200)
  @ApiOperation({ summary: 'Mark every inbox notification read' })
  @ApiOkResponse({ type: ReadAllResultDto })
  @ApiProblems(401)
  async readAll(@CurrentUser() user: AuthPrincipal): Promise<ReadAllResultDto> {
    return { marked: await this.inbox.markAllRead(user.userId) };
  }

  @Post(':id/read')
  @HttpCode(200)
  @ApiOperation({ summary: 'Mark one notification read (idempotent)' })
  @ApiOkResponse({ type: NotificationResponseDto })
  @ApiProblems(400, 401, 404)
  read(
    @CurrentUser() user: AuthPrincipal,
    @Param('id', uuid()) id: string,
  ): Promise<NotificationResponseDto> {
    return this.inbox.markRead(user.userId, id);
  }

  @Get('preferences')
  @ApiOperation({ summary: 'Channel switches per category, and quiet hours' })
  @ApiOkResponse({ type: PreferencesResponseDto })
  @ApiProblems(401)
  async getPreferences(@CurrentUser() user: AuthPrincipal): Promise<PreferencesResponseDto> {
    const [settings, timeZone] = await Promise.all([
      this.preferences.settingsFor(user.userId),
      this.timeZoneOf(user.userId),
    ]);
    return toPreferencesResponse(settings, timeZone);
  }

  @Put('preferences')
  @ApiOperation({
    summary: 'Change channel switches and quiet hours',
    description:
      'Switches not named keep their value. Security email cannot be turned off (400, `urn:problem:security-email-required`). ' +
      'Concurrent updates are all applied, one after another, each on top of the previous: switches named by different requests all take effect; where several name the same switch or `quietHours`, the last applied wins.',
  })
  @ApiOkResponse({ type: PreferencesResponseDto })
  @ApiProblems(400, 401)
  async putPreferences(
    @CurrentUser() user: AuthPrincipal,
    @Body() body: UpdatePreferencesDto,
  ): Promise<PreferencesResponseDto> {
    const timeZone = await this.timeZoneOf(user.userId);
    const settings = await this.preferences.update(
      user.userId,
      { channels: toPreferencesUpdate(body), quietHours: body.quietHours },
      timeZone,
    );
    return toPreferencesResponse(settings, timeZone);
  }

  @Post('devices')
  @ApiOperation({
    summary: 'Register this device for push',
    description:
      'Idempotent per token: registering a known token again answers 200 and moves it to the caller (a shared device changing hands).',
  })
  @ApiCreatedResponse({ type: DeviceResponseDto, description: 'Registered' })
  @ApiOkResponse({ type: DeviceResponseDto, description: 'Already registered (now the caller’s)' })
  @ApiProblems(400, 401)
  async registerDevice(
    @CurrentUser() user: AuthPrincipal,
    @Body() body: RegisterDeviceDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<DeviceResponseDto> {
    const { device, created } = await this.devices.register(user.userId, body.token, body.platform);
    res.status(created ? 201 : 200);
    return device;
  }

  @Delete('devices/:id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Unregister a push device' })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiProblems(400, 401, 404)
  async removeDevice(
    @CurrentUser() user: AuthPrincipal,
    @Param('id', uuid()) id: string,
  ): Promise<void> {
    if (!(await this.devices.remove(user.userId, id))) throw notFound('device');
  }

  @Post('stream-ticket')
  @ApiOperation({
    summary: 'A single-use ticket for the event stream of this session',
    description:
      'Browsers’ EventSource cannot send an Authorization header, so the stream is authenticated with this ticket in its URL instead of the access token: it works once and expires within a minute, so a URL that ends up in a log is worthless. Get a new ticket for every (re)connection.',
  })
  @ApiCreatedResponse({ type: StreamTicketDto })
  @ApiProblems(401)
  streamTicket(@CurrentUser() user: AuthPrincipal): Promise<StreamTicketDto> {
    return this.stream.issueTicket(user);
  }

  @Get('stream')
  @Public()
  @ApiSecurity({})
  @ApiProduces('text/event-stream')
  @ApiOperation({
    summary: 'Server-sent events: new notifications and unread-count changes',
    description: [
      'Authenticate with `?ticket=` from `POST /notifications/stream-ticket` (EventSource cannot send headers).',
      'Events: `notification` (data: a Notification as in the list) and `unread-count` (data: `{ "count": n }`).',
      'Each event has an `id`; reconnect with the `Last-Event-ID` header (or `?lastEventId=` on a new EventSource) to receive what was missed, in order, without repeats.',
      'A comment line is sent as a heartbeat every 20 s so proxies keep the connection open.',
      'The stream belongs to the session that asked for the ticket: when that session is revoked (sign-out, sign-out everywhere, an admin disabling the account, refresh-token reuse), it ends with a `session-revoked` event. Reconnecting is then refused with 401 until the user signs in again.',
    ].join('\n\n'),
  })
  @ApiHeader({
    name: 'Last-Event-ID',
    required: false,
    description: 'Resume after this event',
    schema: { type: 'string', pattern: '^\\d{1,20}-\\d{1,20}$' },
  })
  @ApiExtraModels(NotificationResponseDto, UnreadCountDto)
  @ApiOkResponse({
    description:
      'An endless text/event-stream. `x-sse-events` gives the JSON schema of each event’s data by event name.',
    content: {
      'text/event-stream': {
        schema: { type: 'string' },
        'x-sse-events': {
          notification: { $ref: getSchemaPath(NotificationResponseDto) },
          'unread-count': { $ref: getSchemaPath(UnreadCountDto) },
          'session-revoked': { type: 'object', additionalProperties: false },
        },
      } as MediaTypeObject,
    },
  })
  @ApiProblems(400, 401)
  async openStream(
    @Query() query: StreamQueryDto,
    @Headers('last-event-id') lastEventIdHeader: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    const owner = await this.stream.redeemTicket(query.ticket);
    await this.stream.open(owner, res, lastEventIdHeader ?? query.lastEventId ?? null);
  }

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
  createBroadcast(
    @CurrentUser() user: AuthPrincipal,
    @Body() body: CreateBroadcastDto,
  ): Promise<BroadcastResponseDto> {
    return this.broadcasts.create(user.userId, body);
  }

  @Get('broadcasts/:id')
  @Roles('admin')
  @ApiOperation({ summary: 'A broadcast’s progress (admin)' })
  @ApiOkResponse({ type: BroadcastResponseDto })
  @ApiProblems(400, 401, 403, 404)
  async getBroadcast(@Param('id', uuid()) id: string): Promise<BroadcastResponseDto> {
    const broadcast = await this.broadcasts.progress(id);
    if (!broadcast) throw notFound('broadcast');
    return broadcast;
  }

  private async timeZoneOf(userId: string): Promise<string> {
    return (await this.users.findContact(userId))?.timeZone ?? 'UTC';
  }
}
