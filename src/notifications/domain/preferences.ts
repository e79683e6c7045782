import { CATALOGUE, CATEGORIES, CHANNELS } from './catalogue.js';
import type { Category, Channel, NotificationType } from './catalogue.js';
import type { QuietHours } from './quiet-hours.js';

/** Every category × channel switch, always complete: stored rows are merged over the defaults. */
export type Preferences = { readonly [C in Category]: { readonly [Ch in Channel]: boolean } };

/** What a client sends: any subset of switches. */
export type PreferencesUpdate = { [C in Category]?: { [Ch in Channel]?: boolean } };

/** Marketing email is opt-in; everything else starts on. */
export const DEFAULT_PREFERENCES: Preferences = {
  security: { email: true, push: true, in_app: true },
  account: { email: true, push: true, in_app: true },
  payments: { email: true, push: true, in_app: true },
  marketing: { email: false, push: true, in_app: true },
};

/** A user's switches and quiet hours, as the rules read them. */
export interface NotificationSettings {
  preferences: Preferences;
  quietHours: QuietHours | null;
}

/** What a user who never saved preferences gets. */
export const DEFAULT_SETTINGS: NotificationSettings = {
  preferences: DEFAULT_PREFERENCES,
  quietHours: null,
};

export const SECURITY_EMAIL_REQUIRED =
  'Security emails (verification, password reset, password changes, new sign-ins) cannot be turned off: they are how we reach you when your account is at risk.';

/** Switches the user cannot turn off. */
export function isLocked(category: Category, channel: Channel): boolean {
  return category === 'security' && channel === 'email';
}

/**
 * Checks an update before it is stored; returns the reason to show in a 400, or null when the
 * update is acceptable. Unknown keys are refused too, since the value arrives as JSON.
 */
export function validatePreferencesUpdate(update: PreferencesUpdate): string | null {
  for (const [category, channels] of Object.entries(update)) {
    if (!isCategory(category)) return `Unknown category "${category}".`;
    for (const [channel, enabled] of Object.entries(channels ?? {})) {
      if (!isChannel(channel)) return `Unknown channel "${channel}" in "${category}".`;
      if (typeof enabled !== 'boolean') return `"${category}.${channel}" must be true or false.`;
      if (!enabled && isLocked(category, channel)) return SECURITY_EMAIL_REQUIRED;
    }
  }
  return null;
}

/** Merges an update (or sparse stored overrides) over a complete set of switches. */
export function applyPreferences(base: Preferences, update: PreferencesUpdate): Preferences {
  const merged = {} as { [C in Category]: { [Ch in Channel]: boolean } };
  for (const category of CATEGORIES) {
    merged[category] = { ...base[category], ...update[category] };
    // Locked switches stay on even if an old row or a bypassed check says otherwise.
    for (const channel of CHANNELS) {
      if (isLocked(category, channel)) merged[category][channel] = true;
    }
  }
  return merged;
}

export interface ChannelPlan {
  /** Channels to deliver on, in catalogue order. */
  deliver: Channel[];
  /** Channels the type uses but the user switched off: recorded as `skipped`. */
  skipped: Channel[];
}

export function resolveChannels(type: NotificationType, prefs: Preferences): ChannelPlan {
  const { category, defaultChannels } = CATALOGUE[type];
  const plan: ChannelPlan = { deliver: [], skipped: [] };
  for (const channel of defaultChannels) {
    const on = prefs[category][channel] || isLocked(category, channel);
    plan[on ? 'deliver' : 'skipped'].push(channel);
  }
  return plan;
}

/**
 * Merges stored sparse overrides with an update: switches named by the update win, the others
 * keep their stored value; only boolean switches of known categories and channels are kept.
 */
export function mergeOverrides(
  base: PreferencesUpdate,
  update: PreferencesUpdate,
): PreferencesUpdate {
  const merged: PreferencesUpdate = {};
  for (const category of CATEGORIES) {
    const switches = { ...base[category], ...update[category] };
    const known = Object.fromEntries(
      CHANNELS.filter((ch) => typeof switches[ch] === 'boolean').map((ch) => [ch, switches[ch]]),
    );
    if (Object.keys(known).length > 0) merged[category] = known;
  }
  return merged;
}

function isCategory(value: string): value is Category {
  return (CATEGORIES as readonly string[]).includes(value);
}

function isChannel(value: string): value is Channel {
  return (CHANNELS as readonly string[]).includes(value);
}
