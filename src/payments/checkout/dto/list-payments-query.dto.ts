import { PageQueryDto } from '../../../http/pagination/page-query.dto.js';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { PAYMENT_STATUSES, type PaymentStatus } from '../../domain/payment-status.js';

export class ListPaymentsQueryDto extends PageQueryDto {
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
    enumName: 'PaymentProviderName',
    description: 'The configured provider (PAYMENTS_PROVIDER); any other answers 404',
  })
  @IsString()
  @MaxLength(32)
  provider: string;
}
