import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { PageQueryDto } from '../../../http/pagination/page-query.dto.js';
import {
  CATALOGUE,
  CHANNELS,
  NOTIFICATION_TYPES,
  type Channel,
  type NotificationType,
} from '../../domain/catalogue.js';
import {
  DELIVERY_STATUSES,
  type DeliveryStatus,
} from '../../entities/notification-delivery.entity.js';
import type { DeliveryListRow } from '../../repositories/deliveries.repository.js';

export class ListDeliveriesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: DELIVERY_STATUSES, enumName: 'DeliveryStatus' })
  @IsOptional()
  @IsIn(DELIVERY_STATUSES)
  status?: DeliveryStatus;

  @ApiPropertyOptional({ enum: CHANNELS, enumName: 'NotificationChannel' })
  @IsOptional()
  @IsIn(CHANNELS)
  channel?: Channel;

  @ApiPropertyOptional({ format: 'uuid', description: "One user's deliveries" })
  @IsOptional()
  @IsUUID('4')
  userId?: string;
}

export class DeliveryResponseDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  notificationId: string;

  @ApiProperty({ format: 'uuid' })
  userId: string;

  @ApiProperty({ enum: NOTIFICATION_TYPES, enumName: 'NotificationType' })
  type: NotificationType;

  @ApiProperty({ enum: CHANNELS, enumName: 'NotificationChannel' })
  channel: Channel;

  @ApiProperty({ enum: DELIVERY_STATUSES, enumName: 'DeliveryStatus' })
  status: DeliveryStatus;

  @ApiProperty({ type: 'integer', minimum: 0 })
  attempts: number;

  @ApiProperty({ type: String, nullable: true, description: 'The last failure, for operators' })
  lastError: string | null;

  @ApiProperty({ format: 'date-time' })
  scheduledAt: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  sentAt: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  failedAt: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}

export class DeliveryPageDto {
  @ApiProperty({ type: [DeliveryResponseDto] })
  data: DeliveryResponseDto[];

  @ApiProperty({ type: String, nullable: true })
  nextCursor: string | null;
}

export class CatalogueEntryDto {
  @ApiProperty({ enum: NOTIFICATION_TYPES, enumName: 'NotificationType' })
  type: NotificationType;

  @ApiProperty({ example: 'payments' })
  category: string;

  @ApiProperty({ enum: CHANNELS, enumName: 'NotificationChannel', isArray: true })
  defaultChannels: Channel[];
}

export class CatalogueDto {
  @ApiProperty({ type: [CatalogueEntryDto] })
  data: CatalogueEntryDto[];
}

const iso = (value: Date | null): string | null => (value ? new Date(value).toISOString() : null);

export function toDeliveryResponse(row: DeliveryListRow): DeliveryResponseDto {
  return {
    id: row.id,
    notificationId: row.notificationId,
    userId: row.userId,
    type: row.type,
    channel: row.channel,
    status: row.status,
    attempts: row.attempts,
    lastError: row.lastError,
    scheduledAt: new Date(row.scheduledAt).toISOString(),
    sentAt: iso(row.sentAt),
    failedAt: iso(row.failedAt),
    createdAt: new Date(row.createdAt).toISOString(),
  };
}

export function toCatalogue(): CatalogueDto {
  return {
    data: NOTIFICATION_TYPES.map((type) => ({
      type,
      category: CATALOGUE[type].category,
      defaultChannels: [...CATALOGUE[type].defaultChannels],
    })),
  };
}
