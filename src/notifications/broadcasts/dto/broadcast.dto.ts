import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import type { Role } from '../../../common/auth/auth-principal.js';
import type { BroadcastProgress } from '../../domain/broadcast-progress.js';
import {
  BROADCAST_STATUSES,
  type BroadcastStatus,
} from '../../entities/notification-broadcast.entity.js';

const ROLES = ['user', 'admin'] as const;

export class CreateBroadcastDto {
  @ApiProperty({ maxLength: 200, example: 'Scheduled maintenance' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  title: string;

  @ApiProperty({
    maxLength: 5000,
    description: 'Plain text; blank lines separate paragraphs in the email',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(5000)
  body: string;

  @ApiProperty({
    enum: ROLES,
    enumName: 'UserRole',
    required: false,
    description: 'Only users with this role; absent: every active user',
  })
  @IsOptional()
  @IsIn(ROLES)
  role?: Role;
}

export class DeliveryCountsDto {
  @ApiProperty({ type: 'integer', minimum: 0 }) queued: number;
  @ApiProperty({ type: 'integer', minimum: 0 }) sent: number;
  @ApiProperty({ type: 'integer', minimum: 0 }) failed: number;
  @ApiProperty({ type: 'integer', minimum: 0 }) skipped: number;
}

export class BroadcastDeliveriesDto {
  @ApiProperty({ type: DeliveryCountsDto }) email: DeliveryCountsDto;
  @ApiProperty({ type: DeliveryCountsDto }) push: DeliveryCountsDto;
  @ApiProperty({ type: DeliveryCountsDto }) inApp: DeliveryCountsDto;
}

export class BroadcastResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;

  @ApiProperty({
    enum: BROADCAST_STATUSES,
    enumName: 'BroadcastStatus',
    description: '`completed` once every user has their notification and deliveries queued',
  })
  status: BroadcastStatus;

  @ApiProperty() title: string;
  @ApiProperty({ enum: ROLES, enumName: 'UserRole', nullable: true }) role: Role | null;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Users fanned out so far' })
  usersProcessed: number;
  @ApiProperty({ type: 'integer', minimum: 0 }) notificationsCreated: number;

  @ApiProperty({
    type: BroadcastDeliveriesDto,
    description: 'Deliveries by channel and status, now',
  })
  deliveries: BroadcastDeliveriesDto;

  @ApiProperty({ type: String, format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) startedAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) completedAt: string | null;
}

export function toBroadcastResponse(broadcast: BroadcastProgress): BroadcastResponseDto {
  return {
    id: broadcast.id,
    status: broadcast.status,
    title: broadcast.title,
    role: broadcast.role,
    usersProcessed: broadcast.usersProcessed,
    notificationsCreated: broadcast.notificationsCreated,
    deliveries: broadcast.deliveries,
    createdAt: broadcast.createdAt.toISOString(),
    startedAt: broadcast.startedAt?.toISOString() ?? null,
    completedAt: broadcast.completedAt?.toISOString() ?? null,
  };
}
