import { DisplayNameField, LocaleField, TimeZoneField } from './profile-fields.js';

/** Only these fields; anything else (role, status, email…) is a 400 and changes nothing. */
export class UpdateMeDto {
  @DisplayNameField(true)
  displayName?: string;

  @LocaleField()
  locale?: string;

  @TimeZoneField()
  timeZone?: string;
}
