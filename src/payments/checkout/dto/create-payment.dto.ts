import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  Validate,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { MAX_AMOUNT_MINOR } from '../../domain/money.js';

export const METADATA_MAX_KEYS = 20;
export const METADATA_KEY_MAX = 40;
export const METADATA_VALUE_MAX = 500;

/** Bounded metadata, as Stripe bounds it: ≤ 20 string values, keys ≤ 40, values ≤ 500 chars. */
@ValidatorConstraint({ name: 'isBoundedMetadata' })
export class IsBoundedMetadata implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
    const entries = Object.entries(value);
    return (
      entries.length <= METADATA_MAX_KEYS &&
      entries.every(
        ([k, v]) =>
          /^[A-Za-z0-9_.-]{1,40}$/.test(k) &&
          typeof v === 'string' &&
          v.length <= METADATA_VALUE_MAX,
      )
    );
  }
  defaultMessage(): string {
    return `metadata must be an object of at most ${METADATA_MAX_KEYS} string values (keys: 1-${METADATA_KEY_MAX} of A-Z a-z 0-9 _ . -, values: at most ${METADATA_VALUE_MAX} characters)`;
  }
}

export class CreatePaymentDto {
  @ApiProperty({
    type: 'integer',
    description: 'Integer amount in minor units (cents), e.g. 1999 for 19.99',
    minimum: 1,
    maximum: MAX_AMOUNT_MINOR,
    example: 1999,
  })
  @IsInt()
  @Min(1)
  @Max(MAX_AMOUNT_MINOR)
  amount: number;

  @ApiProperty({
    description: 'ISO 4217 code from the configured allowlist (case-insensitive)',
    example: 'usd',
    minLength: 3,
    maxLength: 3,
    pattern: '^[A-Za-z]{3}$',
  })
  @IsString()
  @Matches(/^[A-Za-z]{3}$/, { message: 'currency must be a 3-letter ISO 4217 code' })
  currency: string;

  @ApiPropertyOptional({ maxLength: 500, example: 'Order #1042' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;

  @ApiPropertyOptional({
    description: `Your own key-value data (at most ${METADATA_MAX_KEYS} keys)`,
    type: 'object',
    additionalProperties: { type: 'string', maxLength: METADATA_VALUE_MAX },
    maxProperties: METADATA_MAX_KEYS,
    example: { orderId: '1042' },
  })
  @IsOptional()
  @IsObject()
  @Validate(IsBoundedMetadata)
  metadata?: Record<string, string>;
}

export class ConfirmPaymentDto {
  @ApiProperty({
    description:
      'Payment method id. Sandbox test methods: pm_card_visa (succeeds), pm_card_chargeDeclined ' +
      '(declined), pm_card_authenticationRequired (3-D Secure: confirm again with it to pass), ' +
      'pm_card_processing (settles asynchronously).',
    example: 'pm_card_visa',
    maxLength: 255,
    pattern: '^pm_[A-Za-z0-9_]+$',
  })
  @IsString()
  @MaxLength(255)
  @Matches(/^pm_[A-Za-z0-9_]+$/, { message: 'paymentMethod must be a payment method id (pm_…)' })
  paymentMethod: string;
}
