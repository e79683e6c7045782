import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { PAYMENT_STATUSES, type PaymentStatus } from '../domain/payment-status.js';

export class ListPaymentsQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;

  @ApiPropertyOptional({ enum: PAYMENT_STATUSES, enumName: 'PaymentStatus' })
  @IsOptional()
  @IsIn(PAYMENT_STATUSES)
  status?: PaymentStatus;

  @ApiPropertyOptional({ format: 'uuid', description: "Admins only: one user's payments" })
  @IsOptional()
  @IsUUID('4')
  userId?: string;
}

export class WebhookParamsDto {
  @ApiProperty({
    enum: ['stripe', 'sandbox'],
    description: 'The configured provider (PAYMENTS_PROVIDER); any other answers 404',
  })
  @IsString()
  @MaxLength(32)
  provider: string;
}
