import { ApiProperty } from '@nestjs/swagger';
import { PAYMENT_STATUSES, type PaymentStatus } from '../../domain/payment-status.js';
import type { TransitionSource } from '../../entities/payment-event.entity.js';
import type { WebhookEventStatus } from '../../entities/webhook-event.entity.js';
import { RefundResponseDto } from '../../refunds/dto/create-refund.dto.js';
import { toRefundResponse } from '../../checkout/dto/payment-response.dto.js';
import type { PaymentHistory } from '../payment-history.service.js';

export class PaymentTransitionDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ enum: PAYMENT_STATUSES, enumName: 'PaymentStatus', nullable: true })
  fromStatus: PaymentStatus | null;

  @ApiProperty({ enum: PAYMENT_STATUSES, enumName: 'PaymentStatus' })
  toStatus: PaymentStatus;

  @ApiProperty({ enum: ['api', 'webhook', 'reconciliation'], description: 'What moved it' })
  source: TransitionSource;

  @ApiProperty({ type: String, nullable: true })
  providerEventId: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}

export class PaymentWebhookEventDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ description: "The provider's event id" })
  eventId: string;

  @ApiProperty({ example: 'payment_intent.succeeded' })
  type: string;

  @ApiProperty({ enum: ['pending', 'processed', 'ignored', 'failed'] })
  status: WebhookEventStatus;

  @ApiProperty({ type: 'integer', minimum: 0 })
  attempts: number;

  @ApiProperty({ type: String, nullable: true })
  lastError: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}

export class PaymentHistoryDto {
  @ApiProperty({ type: [PaymentTransitionDto], description: 'Status changes, oldest first' })
  transitions: PaymentTransitionDto[];

  @ApiProperty({ type: [RefundResponseDto], description: 'Refunds, oldest first' })
  refunds: RefundResponseDto[];

  @ApiProperty({
    type: [PaymentWebhookEventDto],
    description: "The provider's events about this payment, oldest first",
  })
  webhookEvents: PaymentWebhookEventDto[];
}

export function toPaymentHistoryResponse(history: PaymentHistory): PaymentHistoryDto {
  return {
    transitions: history.transitions.map((t) => ({ ...t, createdAt: t.createdAt.toISOString() })),
    refunds: history.refunds.map(toRefundResponse),
    webhookEvents: history.webhookEvents.map((w) => ({
      ...w,
      createdAt: w.createdAt.toISOString(),
    })),
  };
}
