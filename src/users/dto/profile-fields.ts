import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, maxLength, Validate } from 'class-validator';
import type { ValidationArguments } from 'class-validator';
import { ValidatorConstraint, type ValidatorConstraintInterface } from 'class-validator';

/** IANA names only ("Europe/Berlin", "UTC"), as the runtime's ICU knows them. */
@ValidatorConstraint({ name: 'isIanaTimeZone' })
export class IsIanaTimeZone implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    if (typeof value !== 'string' || value.length === 0 || value.length > 64) return false;
    if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(value)) return false;
    try {
      new Intl.DateTimeFormat('en', { timeZone: value });
      return true;
    } catch {
      return false;
    }
  }
  defaultMessage(): string {
    return 'timeZone must be an IANA time zone such as Europe/Berlin';
  }
}

/** BCP 47 tags as Intl canonicalises them ("en", "de-AT"). */
@ValidatorConstraint({ name: 'isLocale' })
export class IsLocaleTag implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    if (typeof value !== 'string' || value.length === 0 || value.length > 35) return false;
    try {
      return Intl.getCanonicalLocales(value).length === 1;
    } catch {
      return false;
    }
  }
  defaultMessage(): string {
    return 'locale must be a BCP 47 language tag such as en or de-AT';
  }
}

/** One rule, so one message for any bad display name (class-validator reports every rule). */
@ValidatorConstraint({ name: 'isDisplayName' })
export class IsDisplayName implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && maxLength(value, 100) && /\S/.test(value);
  }
  defaultMessage(args?: ValidationArguments): string {
    if (typeof args?.value !== 'string') return 'displayName must be a string';
    if (!maxLength(args.value, 100)) return 'displayName must be at most 100 characters';
    return 'displayName must not be blank';
  }
}

export const DisplayNameField = (optional: boolean) =>
  applyDecorators(
    (optional ? ApiPropertyOptional : ApiProperty)({
      example: 'Ada Lovelace',
      minLength: 1,
      maxLength: 100,
    }),
    ...(optional ? [IsOptional()] : []),
    Validate(IsDisplayName),
  );

export const LocaleField = () =>
  applyDecorators(
    ApiPropertyOptional({ example: 'de-AT', maxLength: 35, description: 'BCP 47 language tag' }),
    IsOptional(),
    IsString(),
    Validate(IsLocaleTag),
  );

export const TimeZoneField = () =>
  applyDecorators(
    ApiPropertyOptional({ example: 'Europe/Berlin', maxLength: 64, description: 'IANA time zone' }),
    IsOptional(),
    IsString(),
    Validate(IsIanaTimeZone),
  );
