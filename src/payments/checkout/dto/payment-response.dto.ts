import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PAYMENT_STATUSES, type PaymentStatus } from '../../domain/payment-status.js';
import type { PaymentView } from '../../domain/payment-view.js';
import type { RefundView } from '../../domain/refund-view.js';
import { RefundResponseDto } from '../../refunds/dto/create-refund.dto.js';

export class NextActionDto {
  @ApiProperty({ example: 'sandbox_authenticate', description: 'What the client must do next' })
  type: string;

  @ApiPropertyOptional({ description: 'Where to send the customer (redirect-based methods)' })
  redirectUrl?: string;
}

export class PaymentResponseDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  userId: string;

  @ApiProperty({ type: 'integer', description: 'Minor units', example: 1999 })
  amount: number;

  @ApiProperty({ example: 'usd' })
  currency: string;

  @ApiProperty({ nullable: true, type: String })
  description: string | null;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } })
  metadata: Record<string, string>;

  @ApiProperty({ enum: ['stripe', 'sandbox'], enumName: 'PaymentProviderName' })
  provider: 'stripe' | 'sandbox';

  @ApiProperty({ enum: PAYMENT_STATUSES, enumName: 'PaymentStatus' })
  status: PaymentStatus;

  @ApiProperty({ type: 'integer', description: 'Minor units refunded so far', example: 0 })
  amountRefunded: number;

  @ApiProperty({
    nullable: true,
    type: String,
    description:
      "For the owner's client SDK (Stripe: confirmPayment / PaymentSheet), while the payment " +
      'awaits the customer; null otherwise',
  })
  clientSecret: string | null;

  @ApiProperty({ type: NextActionDto, nullable: true })
  nextAction: NextActionDto | null;

  @ApiProperty({ nullable: true, type: String, example: 'card_declined' })
  failureCode: string | null;

  @ApiProperty({ nullable: true, type: String })
  failureMessage: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;
}

export class PaymentListResponseDto {
  @ApiProperty({ type: [PaymentResponseDto] })
  data: PaymentResponseDto[];

  @ApiProperty({ nullable: true, type: String, description: 'Pass as `cursor` for the next page' })
  nextCursor: string | null;
}

export class WebhookAckDto {
  @ApiProperty({ example: true })
  received: boolean;
}

export function toPaymentResponse(view: PaymentView): PaymentResponseDto {
  return {
    id: view.id,
    userId: view.userId,
    amount: view.amount,
    currency: view.currency,
    description: view.description,
    metadata: view.metadata,
    provider: view.provider,
    status: view.status,
    amountRefunded: view.amountRefunded,
    clientSecret: view.clientSecret,
    nextAction: view.nextAction
      ? {
          type: view.nextAction.type,
          ...(view.nextAction.redirectUrl ? { redirectUrl: view.nextAction.redirectUrl } : {}),
        }
      : null,
    failureCode: view.failureCode,
    failureMessage: view.failureMessage,
    createdAt: view.createdAt.toISOString(),
    updatedAt: view.updatedAt.toISOString(),
  };
}

export function toRefundResponse(view: RefundView): RefundResponseDto {
  return {
    id: view.id,
    paymentId: view.paymentId,
    amount: view.amount,
    currency: view.currency,
    status: view.status,
    reason: view.reason,
    createdAt: view.createdAt.toISOString(),
    updatedAt: view.updatedAt.toISOString(),
  };
}
