import { Controller, Get, Headers, Post, Query, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiSecurity,
  ApiTags,
  getSchemaPath,
  type MediaTypeObject,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentUser, type AuthPrincipal } from '../../common/auth/auth-principal.js';
import { Public } from '../../common/auth/public.decorator.js';
import { ApiProblems } from '../../http/api-problems.decorator.js';
import { NotificationResponseDto, UnreadCountDto } from '../inbox/dto/notification.dto.js';
import { StreamQueryDto, StreamTicketDto } from './dto/stream.dto.js';
import { StreamService } from './stream.service.js';

/** The data of a `sync` event (inline: no operation returns it, so no component of its own). */
const SYNC_EVENT = {
  type: 'object',
  required: ['cursor'],
  additionalProperties: false,
  properties: {
    cursor: {
      type: 'string',
      maxLength: 200,
      description:
        'The change feed’s position after the change (a `cursor` of `GET /sync/changes`). Pull `GET /sync/changes?since=<your own cursor>`; a client whose cursor is this one may skip the pull.',
    },
  },
};

@ApiTags('notifications')
@ApiBearerAuth('bearer')
@Controller('notifications')
export class StreamController {
  constructor(private readonly stream: StreamService) {}

  @Post('stream-ticket')
  @ApiOperation({
    summary: 'A single-use ticket for the event stream of this session',
    description:
      'Browsers’ EventSource cannot send an Authorization header, so the stream is authenticated with this ticket in its URL instead of the access token: it works once and expires within a minute, so a URL that ends up in a log is worthless. Get a new ticket for every (re)connection.',
  })
  @ApiCreatedResponse({ type: StreamTicketDto })
  @ApiProblems(401)
  issueTicket(@CurrentUser() user: AuthPrincipal): Promise<StreamTicketDto> {
    return this.stream.issueTicket(user);
  }

  @Get('stream')
  @Public()
  @ApiSecurity({})
  @ApiProduces('text/event-stream')
  @ApiOperation({
    summary: 'Server-sent events: new notifications, unread-count changes and sync signals',
    description: [
      'Authenticate with `?ticket=` from `POST /notifications/stream-ticket` (EventSource cannot send headers).',
      'Events: `notification` (data: a Notification as in the list) and `unread-count` (data: `{ "count": n }`).',
      'Event `sync` (data: `{ "cursor": "…" }`): the user’s synced documents changed, on any device, the one that wrote included (it may ignore it). Pull `GET /sync/changes?since=<your cursor>`. Sync events are signals, not a log: they carry no `id`, are not replayed after a reconnect, and a burst of writes may be announced by one event with the newest cursor, so after every (re)connect pull `/sync/changes` once.',
      '`notification` events have an `id`; reconnect with the `Last-Event-ID` header (or `?lastEventId=` on a new EventSource) to receive what was missed, in order, without repeats.',
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
          sync: SYNC_EVENT,
        },
      } as MediaTypeObject,
    },
  })
  @ApiProblems(400, 401)
  open(
    @Query() query: StreamQueryDto,
    @Headers('last-event-id') lastEventIdHeader: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    return this.stream.connect(query.ticket, res, lastEventIdHeader ?? query.lastEventId ?? null);
  }
}
