import { describe, expect, it } from '@jest/globals';
import { generate } from 'otplib';
import { matchTotp, newTotpSecret, TOTP_PERIOD_SECONDS, totpUri } from './totp.js';

const at = new Date('2026-03-02T12:00:10Z');
const epoch = Math.floor(at.getTime() / 1000);
const stepOf = (seconds: number) => Math.floor(seconds / TOTP_PERIOD_SECONDS);
const codeAt = (secret: string, seconds: number) => generate({ secret, epoch: seconds });

describe('totp', () => {
  it('makes 160-bit base32 secrets and an otpauth URI with the RFC 6238 defaults', () => {
    const secret = newTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const uri = new URL(totpUri('Acme App', 'ada@example.com', secret));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(decodeURIComponent(uri.pathname)).toBe('/Acme App:ada@example.com');
    expect(Object.fromEntries(uri.searchParams)).toMatchObject({ secret, issuer: 'Acme App' });
  });

  it('accepts the current code and one step of drift either way, returning the matched step', async () => {
    const secret = newTotpSecret();
    expect(await matchTotp(secret, await codeAt(secret, epoch), at, null)).toBe(stepOf(epoch));
    expect(await matchTotp(secret, await codeAt(secret, epoch - 30), at, null)).toBe(
      stepOf(epoch) - 1,
    );
    expect(await matchTotp(secret, await codeAt(secret, epoch + 30), at, null)).toBe(
      stepOf(epoch) + 1,
    );
    expect(await matchTotp(secret, await codeAt(secret, epoch - 90), at, null)).toBeNull();
    expect(await matchTotp(secret, await codeAt(secret, epoch + 90), at, null)).toBeNull();
  });

  it('refuses a step at or before the last accepted one (a replay)', async () => {
    const secret = newTotpSecret();
    const code = await codeAt(secret, epoch);
    expect(await matchTotp(secret, code, at, stepOf(epoch))).toBeNull();
    expect(await matchTotp(secret, code, at, stepOf(epoch) + 1)).toBeNull();
    expect(await matchTotp(secret, code, at, stepOf(epoch) - 1)).toBe(stepOf(epoch));
  });

  it('refuses codes of another secret and anything but six digits', async () => {
    const secret = newTotpSecret();
    const other = await codeAt(newTotpSecret(), epoch);
    const mine = await codeAt(secret, epoch);
    // One chance in a million that the two secrets share the code at this step.
    if (other !== mine) expect(await matchTotp(secret, other, at, null)).toBeNull();
    expect(await matchTotp(secret, `${mine}0`, at, null)).toBeNull();
    expect(await matchTotp(secret, 'abcdef', at, null)).toBeNull();
  });
});
