import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsObject, IsOptional, Matches, ValidateNested } from 'class-validator';

/**
 * @Type turns a JSON array into an empty instance, which @IsObject then accepts: hand the array
 * through untouched so the request is refused (found by the fuzz suite: `{"channels":[]}` was
 * a 200).
 */
const KeepArrays = () =>
  Transform(({ obj, key, value }: { obj: Record<string, unknown>; key: string; value: unknown }) =>
    Array.isArray(obj[key]) ? obj[key] : value,
  );

const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;

export class ChannelSwitchesDto {
  @ApiProperty() email: boolean;
  @ApiProperty() push: boolean;
  @ApiProperty() inApp: boolean;
}

export class CategorySwitchesDto {
  @ApiProperty({
    type: ChannelSwitchesDto,
    description: 'Security email is always on (verification, password reset, sign-in alerts).',
  })
  security: ChannelSwitchesDto;
  @ApiProperty({ type: ChannelSwitchesDto }) account: ChannelSwitchesDto;
  @ApiProperty({ type: ChannelSwitchesDto }) payments: ChannelSwitchesDto;
  @ApiProperty({ type: ChannelSwitchesDto, description: 'Announcements; email is opt-in.' })
  marketing: ChannelSwitchesDto;
}

export class QuietHoursDto {
  @ApiProperty({ example: '22:00', description: 'Start, "HH:MM" 24-hour, in the user’s time zone' })
  @Matches(HH_MM, { message: 'start must be a time as "HH:MM"' })
  start: string;

  @ApiProperty({ example: '07:00', description: 'End, "HH:MM"; before start means the next day' })
  @Matches(HH_MM, { message: 'end must be a time as "HH:MM"' })
  end: string;
}

export class PreferencesResponseDto {
  @ApiProperty({ type: CategorySwitchesDto })
  channels: CategorySwitchesDto;

  @ApiProperty({
    type: QuietHoursDto,
    nullable: true,
    description:
      'Daily window in which push and email of non-security categories are held back until it ends (in-app is immediate).',
  })
  quietHours: QuietHoursDto | null;

  @ApiProperty({
    example: 'Europe/Berlin',
    description: 'The zone quiet hours are read in (the user’s profile zone)',
  })
  timeZone: string;
}

export class ChannelSwitchesUpdateDto {
  @ApiProperty({ required: false }) @IsOptional() @IsBoolean() email?: boolean;
  @ApiProperty({ required: false }) @IsOptional() @IsBoolean() push?: boolean;
  @ApiProperty({ required: false }) @IsOptional() @IsBoolean() inApp?: boolean;
}

/** One category's optional channel switches, validated as a nested object. */
const SwitchesField = (): PropertyDecorator =>
  applyDecorators(
    ApiProperty({ type: ChannelSwitchesUpdateDto, required: false }),
    IsOptional(),
    IsObject(),
    KeepArrays(),
    ValidateNested(),
    Type(() => ChannelSwitchesUpdateDto),
  );

export class CategorySwitchesUpdateDto {
  @SwitchesField()
  security?: ChannelSwitchesUpdateDto;

  @SwitchesField()
  account?: ChannelSwitchesUpdateDto;

  @SwitchesField()
  payments?: ChannelSwitchesUpdateDto;

  @SwitchesField()
  marketing?: ChannelSwitchesUpdateDto;
}

export class UpdatePreferencesDto {
  @ApiProperty({
    type: CategorySwitchesUpdateDto,
    required: false,
    description:
      'Switches to change; switches not named keep their value. `security.email: false` is refused (400).',
  })
  @IsOptional()
  @IsObject()
  @KeepArrays()
  @ValidateNested()
  @Type(() => CategorySwitchesUpdateDto)
  channels?: CategorySwitchesUpdateDto;

  @ApiProperty({
    type: QuietHoursDto,
    required: false,
    nullable: true,
    description: 'A window to set, null to turn quiet hours off, absent to keep them.',
  })
  @IsOptional()
  @IsObject()
  @KeepArrays()
  @ValidateNested()
  @Type(() => QuietHoursDto)
  quietHours?: QuietHoursDto | null;
}
