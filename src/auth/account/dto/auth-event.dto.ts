import { ApiProperty } from '@nestjs/swagger';
import { AUTH_EVENT_TYPES, type AuthEventType } from '../../entities/auth-event.entity.js';

export class AuthEventDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ enum: AUTH_EVENT_TYPES, enumName: 'AuthEventType' })
  type: AuthEventType;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  sessionId: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'Admin who acted' })
  actorId: string | null;

  @ApiProperty({ type: String, nullable: true })
  ipAddress: string | null;

  @ApiProperty({ type: String, nullable: true })
  userAgent: string | null;

  @ApiProperty({ type: String, nullable: true })
  requestId: string | null;

  @ApiProperty({ type: 'object', additionalProperties: true })
  details: Record<string, unknown>;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}

export class AuthEventPageDto {
  @ApiProperty({ type: [AuthEventDto] })
  data: AuthEventDto[];

  @ApiProperty({ type: String, nullable: true })
  nextCursor: string | null;
}
