import { describe, expect, it } from '@jest/globals';
import { deliverAt, isValidTimeZone, validateQuietHours } from './quiet-hours.js';
import type { QuietHours } from './quiet-hours.js';

const night: QuietHours = { start: '22:00', end: '07:00' };
const at = (iso: string): Date => new Date(iso);
const emailAt = (now: string, zone: string, window: QuietHours | null = night): string =>
  deliverAt(at(now), zone, window, 'payments', 'email').toISOString();

describe('deliverAt', () => {
  it('returns now outside the window', () => {
    // 12:00 in Berlin (CET, UTC+1)
    expect(emailAt('2026-01-15T11:00:00.000Z', 'Europe/Berlin')).toBe('2026-01-15T11:00:00.000Z');
  });

  it('returns now without a window', () => {
    expect(emailAt('2026-01-15T23:00:00.000Z', 'Europe/Berlin', null)).toBe(
      '2026-01-15T23:00:00.000Z',
    );
  });

  it('delays to the next morning when before midnight in a window crossing it', () => {
    // 23:30 Berlin on the 15th → 07:00 Berlin on the 16th = 06:00Z
    expect(emailAt('2026-01-15T22:30:00.000Z', 'Europe/Berlin')).toBe('2026-01-16T06:00:00.000Z');
  });

  it('delays to the same morning when after midnight', () => {
    // 03:10 Berlin on the 16th
    expect(emailAt('2026-01-16T02:10:00.000Z', 'Europe/Berlin')).toBe('2026-01-16T06:00:00.000Z');
  });

  it('treats the start as inside and the end as outside', () => {
    expect(emailAt('2026-01-15T21:00:00.000Z', 'Europe/Berlin')).toBe('2026-01-16T06:00:00.000Z');
    expect(emailAt('2026-01-15T20:59:59.999Z', 'Europe/Berlin')).toBe('2026-01-15T20:59:59.999Z');
    expect(emailAt('2026-01-16T06:00:00.000Z', 'Europe/Berlin')).toBe('2026-01-16T06:00:00.000Z');
    expect(emailAt('2026-01-16T05:59:59.000Z', 'Europe/Berlin')).toBe('2026-01-16T06:00:00.000Z');
  });

  it('handles a window within one day', () => {
    const lunch = { start: '12:00', end: '13:30' };
    expect(emailAt('2026-01-15T17:15:00.000Z', 'America/New_York', lunch)).toBe(
      '2026-01-15T18:30:00.000Z',
    );
    expect(emailAt('2026-01-15T18:30:00.000Z', 'America/New_York', lunch)).toBe(
      '2026-01-15T18:30:00.000Z',
    );
  });

  it('ends at the right instant on the night clocks go forward (Berlin, 29 March 2026)', () => {
    // 23:00 CET on the 28th; the window ends 07:00 CEST (UTC+2) on the 29th.
    expect(emailAt('2026-03-28T22:00:00.000Z', 'Europe/Berlin')).toBe('2026-03-29T05:00:00.000Z');
  });

  it('ends at the right instant on the night clocks go back (New York, 1 November 2026)', () => {
    // 22:30 EDT on 31 October; the window ends 07:00 EST (UTC-5) on 1 November.
    expect(emailAt('2026-11-01T02:30:00.000Z', 'America/New_York')).toBe(
      '2026-11-01T12:00:00.000Z',
    );
  });

  it('moves an end that falls into the skipped hour to just after the jump', () => {
    const window = { start: '01:00', end: '02:30' };
    // 01:30 CET on 29 March; 02:30 does not exist that night, 03:30 CEST is 01:30Z.
    expect(emailAt('2026-03-29T00:30:00.000Z', 'Europe/Berlin', window)).toBe(
      '2026-03-29T01:30:00.000Z',
    );
  });

  it('picks the occurrence still ahead when the end time happens twice', () => {
    const window = { start: '01:00', end: '02:30' };
    // 02:10 CET, the second pass through 02:xx on 25 October: the CEST 02:30 is already past.
    expect(emailAt('2026-10-25T01:10:00.000Z', 'Europe/Berlin', window)).toBe(
      '2026-10-25T01:30:00.000Z',
    );
    // 01:30 CEST, before either 02:30: the first occurrence.
    expect(emailAt('2026-10-24T23:30:00.000Z', 'Europe/Berlin', window)).toBe(
      '2026-10-25T00:30:00.000Z',
    );
  });

  it('never delays security or in-app deliveries', () => {
    const now = at('2026-01-15T22:30:00.000Z');
    expect(deliverAt(now, 'Europe/Berlin', night, 'security', 'email')).toEqual(now);
    expect(deliverAt(now, 'Europe/Berlin', night, 'security', 'push')).toEqual(now);
    expect(deliverAt(now, 'Europe/Berlin', night, 'payments', 'in_app')).toEqual(now);
    expect(deliverAt(now, 'Europe/Berlin', night, 'marketing', 'push').toISOString()).toBe(
      '2026-01-16T06:00:00.000Z',
    );
  });

  it('reads an unknown time zone as UTC instead of failing the delivery', () => {
    expect(emailAt('2026-01-15T23:00:00.000Z', 'Mars/Olympus_Mons')).toBe(
      '2026-01-16T07:00:00.000Z',
    );
  });

  it('treats an empty window (start equals end) as none', () => {
    const empty = { start: '22:00', end: '22:00' };
    expect(emailAt('2026-01-15T21:00:00.000Z', 'Europe/Berlin', empty)).toBe(
      '2026-01-15T21:00:00.000Z',
    );
  });
});

describe('validateQuietHours', () => {
  it('accepts a window crossing midnight in a real zone', () => {
    expect(validateQuietHours(night, 'America/New_York')).toBeNull();
  });

  it.each([
    [{ start: '7:00', end: '08:00' }, 'Europe/Berlin', /HH:MM/],
    [{ start: '24:00', end: '08:00' }, 'Europe/Berlin', /HH:MM/],
    [{ start: '08:00', end: '08:00' }, 'Europe/Berlin', /differ/],
    [{ start: '22:00', end: '07:00' }, 'Europe/Atlantis', /time zone/],
  ])('refuses %j in %s', (window, zone, reason) => {
    expect(validateQuietHours(window, zone)).toMatch(reason);
  });

  it('knows real zones from made-up ones', () => {
    expect(isValidTimeZone('Asia/Kolkata')).toBe(true);
    expect(isValidTimeZone('Nowhere/Special')).toBe(false);
  });
});
