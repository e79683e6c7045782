import { ApiProperty } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';

export class StreamTicketDto {
  @ApiProperty({
    description: 'Single-use ticket for `GET /notifications/stream?ticket=`',
    pattern: '^[A-Za-z0-9_-]{43}$',
  })
  ticket: string;

  @ApiProperty({
    type: String,
    format: 'date-time',
    description: 'The ticket must be used before this',
  })
  expiresAt: string;
}

export class StreamQueryDto {
  @ApiProperty({
    description: 'A ticket from `POST /notifications/stream-ticket`',
    maxLength: 100,
    pattern: '^[A-Za-z0-9_-]+$',
  })
  @IsString()
  @MaxLength(100)
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'ticket is malformed' })
  ticket: string;

  @ApiProperty({
    required: false,
    pattern: '^\\d{1,20}-\\d{1,20}$',
    description:
      'Resume after this event id when a new EventSource is opened by hand (EventSource sends the `Last-Event-ID` header only on its own reconnects; the header wins when both are present).',
  })
  @IsOptional()
  @Matches(/^\d{1,20}-\d{1,20}$/, { message: 'lastEventId is not an event id' })
  lastEventId?: string;
}
