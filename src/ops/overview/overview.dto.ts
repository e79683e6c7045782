import { ApiProperty } from '@nestjs/swagger';
import { PAYMENT_STATUSES } from '../../payments/index.js';
import type { Overview } from './overview.service.js';

export class UserCountsDto {
  @ApiProperty({ type: 'integer', minimum: 0 })
  total: number;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Created in the last 7 days' })
  newThisWeek: number;
}

export class PaymentTotalDto {
  @ApiProperty({ enum: PAYMENT_STATUSES, enumName: 'PaymentStatus' })
  status: string;

  @ApiProperty({ example: 'EUR' })
  currency: string;

  @ApiProperty({ type: 'integer', minimum: 0 })
  count: number;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Sum in minor units' })
  amount: number;
}

export class DeliveryOutcomesDto {
  @ApiProperty({ type: 'integer', minimum: 0 })
  sent: number;

  @ApiProperty({ type: 'integer', minimum: 0 })
  failed: number;

  @ApiProperty({ type: 'integer', minimum: 0 })
  skipped: number;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Queued or sending (quiet hours)' })
  deferred: number;
}

export class QueueDepthDto {
  @ApiProperty({ example: 'notifications' })
  name: string;

  @ApiProperty({ type: 'integer', minimum: 0 })
  waiting: number;

  @ApiProperty({ type: 'integer', minimum: 0 })
  active: number;

  @ApiProperty({ type: 'integer', minimum: 0 })
  delayed: number;

  @ApiProperty({ type: 'integer', minimum: 0 })
  failed: number;
}

export class OutboxBacklogDto {
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Events not yet relayed to Bull' })
  pending: number;

  @ApiProperty({ type: 'integer', minimum: 0, nullable: true })
  oldestAgeSeconds: number | null;
}

export class ReadinessDto {
  @ApiProperty()
  postgres: boolean;

  @ApiProperty()
  redis: boolean;
}

export class OverviewDto {
  @ApiProperty({ format: 'date-time' })
  generatedAt: string;

  @ApiProperty({ type: UserCountsDto })
  users: UserCountsDto;

  @ApiProperty({ type: [PaymentTotalDto], description: 'Payments created today (UTC)' })
  paymentsToday: PaymentTotalDto[];

  @ApiProperty({ type: DeliveryOutcomesDto, description: 'Deliveries created in the last 24 h' })
  deliveriesLastDay: DeliveryOutcomesDto;

  @ApiProperty({ type: [QueueDepthDto] })
  queues: QueueDepthDto[];

  @ApiProperty({ type: OutboxBacklogDto })
  outbox: OutboxBacklogDto;

  @ApiProperty({ type: ReadinessDto })
  readiness: ReadinessDto;
}

export function toOverviewResponse(overview: Overview): OverviewDto {
  return { ...overview, generatedAt: overview.generatedAt.toISOString() };
}
