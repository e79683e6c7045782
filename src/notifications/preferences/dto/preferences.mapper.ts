import { CATEGORIES } from '../../domain/catalogue.js';
import type { PreferencesUpdate } from '../../domain/preferences.js';
import type { PreferencesView } from '../preferences.service.js';
import type { PreferencesResponseDto, UpdatePreferencesDto } from './preferences.dto.js';

/** The API spells the in-app channel `inApp` (camelCase JSON); the domain says `in_app`. */
export function toPreferencesResponse({
  settings,
  timeZone,
}: PreferencesView): PreferencesResponseDto {
  const p = settings.preferences;
  const switches = (c: (typeof CATEGORIES)[number]) => ({
    email: p[c].email,
    push: p[c].push,
    inApp: p[c].in_app,
  });
  return {
    channels: {
      security: switches('security'),
      account: switches('account'),
      payments: switches('payments'),
      marketing: switches('marketing'),
    },
    quietHours: settings.quietHours,
    timeZone,
  };
}

export function toPreferencesUpdate(dto: UpdatePreferencesDto): PreferencesUpdate {
  const update: PreferencesUpdate = {};
  for (const category of CATEGORIES) {
    const given = dto.channels?.[category];
    if (!given) continue;
    const switches: { email?: boolean; push?: boolean; in_app?: boolean } = {};
    if (given.email !== undefined) switches.email = given.email;
    if (given.push !== undefined) switches.push = given.push;
    if (given.inApp !== undefined) switches.in_app = given.inApp;
    update[category] = switches;
  }
  return update;
}
