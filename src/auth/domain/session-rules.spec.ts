import { describe, it, expect } from '@jest/globals';
import { ManualClock } from '../../common/clock.js';
import { decideRefresh, sessionExpiry } from './session-rules.js';
import type { RefreshState, SessionPolicy } from './session-rules.js';
import { hashToken } from './tokens.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const policy: SessionPolicy = {
  idleTimeoutMs: 14 * DAY,
  absoluteLifetimeMs: 30 * DAY,
  refreshGraceMs: 30_000,
};
const t0 = new Date('2026-01-01T00:00:00Z');
const at = (ms: number): Date => new Date(t0.getTime() + ms);

describe('sessionExpiry', () => {
  const fresh = { createdAt: t0, lastUsedAt: t0, revokedAt: null };

  it('is active right after creation', () => {
    expect(sessionExpiry(fresh, policy, t0)).toBe('active');
  });

  it('expires for idleness exactly at the idle timeout, not a millisecond before', () => {
    expect(sessionExpiry(fresh, policy, at(policy.idleTimeoutMs - 1))).toBe('active');
    expect(sessionExpiry(fresh, policy, at(policy.idleTimeoutMs))).toBe('idle_expired');
  });

  it('measures idleness from the last use', () => {
    const used = { ...fresh, lastUsedAt: at(10 * DAY) };
    expect(sessionExpiry(used, policy, at(10 * DAY + policy.idleTimeoutMs - 1))).toBe('active');
    expect(sessionExpiry(used, policy, at(10 * DAY + policy.idleTimeoutMs))).toBe('idle_expired');
  });

  it('expires at the absolute lifetime however recently used', () => {
    const clock = new ManualClock(at(policy.absoluteLifetimeMs - 1));
    const busy = { ...fresh, lastUsedAt: at(policy.absoluteLifetimeMs - 1) };
    expect(sessionExpiry(busy, policy, clock.now())).toBe('active');
    clock.advance(1);
    expect(sessionExpiry(busy, policy, clock.now())).toBe('absolute_expired');
  });

  it('reports the absolute expiry when both limits are passed', () => {
    expect(sessionExpiry(fresh, policy, at(policy.absoluteLifetimeMs))).toBe('absolute_expired');
  });

  it('reports revocation before any expiry', () => {
    const revoked = { ...fresh, revokedAt: at(MINUTE) };
    expect(sessionExpiry(revoked, policy, at(2 * MINUTE))).toBe('revoked');
    expect(sessionExpiry(revoked, policy, at(policy.absoluteLifetimeMs))).toBe('revoked');
  });
});

describe('decideRefresh', () => {
  const current = hashToken('current');
  const previous = hashToken('previous');
  const rotated: RefreshState = {
    currentTokenHash: current,
    previousTokenHash: previous,
    rotatedAt: t0,
    retiredTokenHash: null,
  };

  it('rotates on the current token', () => {
    expect(decideRefresh(rotated, current, policy, at(DAY))).toEqual({ kind: 'rotate' });
  });

  it('rotates a never-rotated session on its current token', () => {
    const first: RefreshState = {
      currentTokenHash: current,
      previousTokenHash: null,
      rotatedAt: null,
      retiredTokenHash: null,
    };
    expect(decideRefresh(first, current, policy, t0)).toEqual({ kind: 'rotate' });
  });

  it('replays within the grace window, inclusive of its last millisecond', () => {
    expect(decideRefresh(rotated, previous, policy, t0)).toEqual({ kind: 'grace_replay' });
    expect(decideRefresh(rotated, previous, policy, at(policy.refreshGraceMs))).toEqual({
      kind: 'grace_replay',
    });
  });

  it('detects reuse of the previous token after the grace window', () => {
    expect(decideRefresh(rotated, previous, policy, at(policy.refreshGraceMs + 1))).toEqual({
      kind: 'reuse_detected',
    });
  });

  it('treats a previous hash without a rotation time as reuse', () => {
    const broken: RefreshState = { ...rotated, rotatedAt: null };
    expect(decideRefresh(broken, previous, policy, t0)).toEqual({ kind: 'reuse_detected' });
  });

  it('detects reuse of a retired generation at once, inside the grace window too', () => {
    const older = hashToken('five rotations ago');
    const family: RefreshState = { ...rotated, retiredTokenHash: older };
    expect(decideRefresh(family, older, policy, t0)).toEqual({ kind: 'reuse_detected' });
    expect(decideRefresh(family, older, policy, at(30 * DAY))).toEqual({
      kind: 'reuse_detected',
    });
  });

  it('still rotates and replays with a retired hash on record', () => {
    const family: RefreshState = { ...rotated, retiredTokenHash: hashToken('older') };
    expect(decideRefresh(family, current, policy, t0)).toEqual({ kind: 'rotate' });
    expect(decideRefresh(family, previous, policy, t0)).toEqual({ kind: 'grace_replay' });
  });

  it('does not take a retired hash other than the presented one as reuse', () => {
    const family: RefreshState = { ...rotated, retiredTokenHash: hashToken('older') };
    expect(decideRefresh(family, hashToken('stranger'), policy, t0)).toEqual({ kind: 'unknown' });
  });

  it('does not recognise other tokens', () => {
    expect(decideRefresh(rotated, hashToken('stranger'), policy, t0)).toEqual({ kind: 'unknown' });
    const first: RefreshState = {
      currentTokenHash: current,
      previousTokenHash: null,
      rotatedAt: null,
      retiredTokenHash: null,
    };
    expect(decideRefresh(first, previous, policy, t0)).toEqual({ kind: 'unknown' });
    expect(decideRefresh(rotated, '', policy, t0)).toEqual({ kind: 'unknown' });
  });
});
