import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { MAX_AMOUNT_MINOR } from '../../domain/money.js';
import type { ProviderRefundStatus, RefundReason } from '../../providers/payment-provider.js';

export const REFUND_REASONS = ['duplicate', 'fraudulent', 'requested_by_customer'] as const;
export const REFUND_STATUSES = ['pending', 'succeeded', 'failed'] as const;

export class CreateRefundDto {
  @ApiPropertyOptional({
    type: 'integer',
    description: 'Minor units; omitted: everything not yet refunded',
    minimum: 1,
    maximum: MAX_AMOUNT_MINOR,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_AMOUNT_MINOR)
  amount?: number;

  @ApiPropertyOptional({ enum: REFUND_REASONS, enumName: 'RefundReason' })
  @IsOptional()
  @IsIn(REFUND_REASONS)
  reason?: RefundReason;
}

export class RefundResponseDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  paymentId: string;

  @ApiProperty({ type: 'integer', description: 'Minor units', example: 500 })
  amount: number;

  @ApiProperty({ example: 'usd' })
  currency: string;

  @ApiProperty({
    enum: REFUND_STATUSES,
    enumName: 'RefundStatus',
    description: '`pending` completes (or fails) later; the payment shows the result',
  })
  status: ProviderRefundStatus;

  @ApiProperty({ enum: REFUND_REASONS, enumName: 'RefundReason', nullable: true })
  reason: RefundReason | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;
}
