import { ApiProperty } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { CATEGORIES, NOTIFICATION_TYPES } from '../../domain/catalogue.js';
import type { Category, NotificationType } from '../../domain/catalogue.js';
import type { Page } from '../../../common/pagination/keyset.js';
import type { NotificationView } from '../../domain/notification-view.js';

export class NotificationResponseDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ enum: NOTIFICATION_TYPES, enumName: 'NotificationType' })
  type: NotificationType;

  @ApiProperty({ enum: CATEGORIES, enumName: 'NotificationCategory' })
  category: Category;

  @ApiProperty({ description: 'In-app title, in the user’s language', example: 'Payment received' })
  title: string;

  @ApiProperty({ description: 'In-app body, plain text' })
  body: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  readAt: string | null;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt: string;
}

export function toNotificationResponse(view: NotificationView): NotificationResponseDto {
  return {
    id: view.id,
    type: view.type,
    category: view.category,
    title: view.title,
    body: view.body,
    readAt: view.readAt ? view.readAt.toISOString() : null,
    createdAt: view.createdAt.toISOString(),
  };
}

export class NotificationPageDto {
  @ApiProperty({ type: [NotificationResponseDto] })
  data: NotificationResponseDto[];

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as `cursor` for the next (older) page; null on the last page.',
  })
  nextCursor: string | null;
}

export class ListNotificationsQueryDto {
  @ApiProperty({ type: 'integer', required: false, minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit: number = 20;

  @ApiProperty({ required: false, description: 'Opaque cursor from `nextCursor`', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'cursor is not a valid cursor' })
  cursor?: string;

  @ApiProperty({ required: false, description: 'Only unread notifications', default: false })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  unread: boolean = false;
}

export class UnreadCountDto {
  @ApiProperty({ type: 'integer', minimum: 0, example: 3 })
  count: number;
}

export class ReadAllResultDto {
  @ApiProperty({
    type: 'integer',
    minimum: 0,
    description: 'How many notifications were marked read',
  })
  marked: number;
}

export function toNotificationPage(page: Page<NotificationView>): NotificationPageDto {
  return { data: page.items.map(toNotificationResponse), nextCursor: page.nextCursor };
}
