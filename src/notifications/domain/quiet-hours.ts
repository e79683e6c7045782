import type { Category, Channel } from './catalogue.js';

/** A daily window in the user's zone, "HH:MM" 24-hour; `start > end` crosses midnight. */
export interface QuietHours {
  start: string;
  end: string;
}

const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/**
 * When a delivery may go out: `now`, unless the user is inside their quiet window and the
 * delivery can wait (not in-app, not security), in which case the instant the window ends.
 *
 * A zone ICU does not know (validated on write, but tzdata can drop names) is read as UTC:
 * delaying by a few hours is better than failing or dropping the delivery.
 */
export function deliverAt(
  now: Date,
  timeZone: string,
  window: QuietHours | null,
  category: Category,
  channel: Channel,
): Date {
  if (!window || channel === 'in_app' || category === 'security') return now;
  const start = parseTime(window.start);
  const end = parseTime(window.end);
  if (start === end) return now;
  const zone = isValidTimeZone(timeZone) ? timeZone : 'UTC';
  const wall = wallClock(now, zone);
  const minute = wall.hour * 60 + wall.minute;
  const inside = start < end ? minute >= start && minute < end : minute >= start || minute < end;
  if (!inside) return now;
  // Before midnight in a window that crosses it, the window ends tomorrow.
  const endsTomorrow = start > end && minute >= start;
  const localEnd = Date.UTC(wall.year, wall.month - 1, wall.day + (endsTomorrow ? 1 : 0), 0, end);
  return instantOfWallTime(localEnd, zone, now);
}

/** Reason for a 400 when a window or zone cannot be stored, else null. */
export function validateQuietHours(window: QuietHours, timeZone: string): string | null {
  if (!HH_MM.test(window.start) || !HH_MM.test(window.end)) {
    return 'Quiet hours start and end must be times as "HH:MM" (00:00 to 23:59).';
  }
  if (window.start === window.end) return 'Quiet hours start and end must differ.';
  if (!isValidTimeZone(timeZone)) return `"${timeZone}" is not a known IANA time zone.`;
  return null;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

function parseTime(value: string): number {
  const match = HH_MM.exec(value);
  if (!match) throw new RangeError(`Invalid quiet-hours time "${value}"`);
  return Number(match[1]) * 60 + Number(match[2]);
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

// Building a DateTimeFormat is costly and a broadcast asks for the same few zones many times.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

function wallClock(instant: Date, timeZone: string): WallClock {
  const parts: Partial<Record<Intl.DateTimeFormatPartTypes, number>> = {};
  for (const part of formatterFor(timeZone).formatToParts(instant)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const { year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0 } = parts;
  return { year, month, day, hour, minute, second };
}

/** The wall-clock time at `instant`, encoded as if it were UTC milliseconds. */
function wallMs(instant: Date, timeZone: string): number {
  const w = wallClock(instant, timeZone);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
}

function offsetAt(instantMs: number, timeZone: string): number {
  const whole = instantMs - (((instantMs % 1000) + 1000) % 1000);
  return wallMs(new Date(whole), timeZone) - whole;
}

/**
 * The first instant after `notBefore` at which the zone's clocks show `localMs`. A time that
 * occurs twice (clocks going back) yields the first occurrence still ahead; a time skipped by
 * clocks going forward yields the moment it would have been, i.e. just after the jump.
 */
function instantOfWallTime(localMs: number, timeZone: string, notBefore: Date): Date {
  const before = offsetAt(localMs - DAY, timeZone);
  const after = offsetAt(localMs + DAY, timeZone);
  const candidates = [...new Set([before, after])]
    .map((offset) => localMs - offset)
    .filter((instant) => wallMs(new Date(instant), timeZone) === localMs)
    .sort((a, b) => a - b);
  if (candidates.length === 0) return new Date(localMs - before);
  const ahead = candidates.find((instant) => instant > notBefore.getTime());
  return new Date(ahead ?? candidates.at(-1) ?? localMs - before);
}
