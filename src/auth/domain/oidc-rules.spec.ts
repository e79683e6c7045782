import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import {
  authorizedPartyAllowed,
  canUnlink,
  decideSignIn,
  emailVerifiedClaim,
  formPostUserName,
  isPrivateRelayEmail,
  nonceMatches,
} from './oidc-rules.js';

const sha256 = (text: string, encoding: 'hex' | 'base64url') =>
  createHash('sha256').update(text).digest(encoding);

describe('nonceMatches', () => {
  it('accepts the SHA-256 of the raw nonce, hex (Apple) or base64url', () => {
    expect(nonceMatches('raw-nonce', sha256('raw-nonce', 'hex'))).toBe(true);
    expect(nonceMatches('raw-nonce', sha256('raw-nonce', 'base64url'))).toBe(true);
  });

  it('refuses a wrong nonce, the raw nonce itself, and a missing one on either side', () => {
    expect(nonceMatches('other', sha256('raw-nonce', 'hex'))).toBe(false);
    expect(nonceMatches('raw-nonce', 'raw-nonce')).toBe(false);
    expect(nonceMatches(undefined, sha256('raw-nonce', 'hex'))).toBe(false);
    expect(nonceMatches('raw-nonce', undefined)).toBe(false);
    expect(nonceMatches('raw-nonce', 42)).toBe(false);
  });

  it('accepts a token without a nonce when none is sent', () => {
    expect(nonceMatches(undefined, undefined)).toBe(true);
  });
});

describe('authorizedPartyAllowed', () => {
  const ours = ['ios-client', 'web-client'];

  it('ignores azp for a single audience, as a string or a one-element list', () => {
    expect(authorizedPartyAllowed('web-client', undefined, ours)).toBe(true);
    expect(authorizedPartyAllowed(['web-client'], undefined, ours)).toBe(true);
    expect(authorizedPartyAllowed('web-client', 'android-client', ours)).toBe(true);
  });

  it('needs one of our client ids as azp when there are several audiences', () => {
    expect(authorizedPartyAllowed(['web-client', 'other'], 'ios-client', ours)).toBe(true);
    expect(authorizedPartyAllowed(['web-client', 'other'], undefined, ours)).toBe(false);
    expect(authorizedPartyAllowed(['web-client', 'other'], 'other', ours)).toBe(false);
    expect(authorizedPartyAllowed(['web-client', 'other'], ['ios-client'], ours)).toBe(false);
  });
});

describe('formPostUserName', () => {
  it("joins Apple's first and last name", () => {
    const user = JSON.stringify({
      name: { firstName: ' Ada ', lastName: 'Lovelace' },
      email: 'a@x',
    });
    expect(formPostUserName(user)).toBe('Ada Lovelace');
    expect(formPostUserName(JSON.stringify({ name: { firstName: 'Ada' } }))).toBe('Ada');
  });

  it('has no name for a missing, malformed or nameless field', () => {
    for (const user of [null, '', 'not json', 'null', '42', '{"name":{"firstName":7}}', '{}']) {
      expect(formPostUserName(user)).toBeNull();
    }
    expect(formPostUserName(JSON.stringify({ name: { firstName: 'x'.repeat(3000) } }))).toBeNull();
  });
});

describe('emailVerifiedClaim', () => {
  it('reads booleans and Apple strings; anything else is unverified', () => {
    expect(emailVerifiedClaim(true)).toBe(true);
    expect(emailVerifiedClaim('true')).toBe(true);
    expect(emailVerifiedClaim(false)).toBe(false);
    expect(emailVerifiedClaim('false')).toBe(false);
    expect(emailVerifiedClaim(undefined)).toBe(false);
    expect(emailVerifiedClaim(1)).toBe(false);
  });
});

describe('isPrivateRelayEmail', () => {
  it('knows both relay domains', () => {
    expect(isPrivateRelayEmail('x1@privaterelay.appleid.com')).toBe(true);
    expect(isPrivateRelayEmail('x1@Private.iCloud.com')).toBe(true);
    expect(isPrivateRelayEmail('x1@icloud.com')).toBe(false);
  });
});

describe('decideSignIn', () => {
  const verified = { email: 'a@example.test', emailVerified: true };
  const unverified = { email: 'a@example.test', emailVerified: false };

  it('signs a known subject into its account, whatever the email says', () => {
    expect(decideSignIn(unverified, 'u1', { id: 'u2', emailVerified: true })).toEqual({
      action: 'sign-in',
      userId: 'u1',
    });
  });

  it('creates an account for a new subject with a new email, verified or not', () => {
    expect(decideSignIn(verified, null, null)).toEqual({ action: 'create' });
    expect(decideSignIn(unverified, null, null)).toEqual({ action: 'create' });
  });

  it('links only when both the token and the account have verified the email', () => {
    expect(decideSignIn(verified, null, { id: 'u2', emailVerified: true })).toEqual({
      action: 'link',
      userId: 'u2',
    });
  });

  it('refuses the pre-hijack case and an unverified token email on a verified account', () => {
    const refused = { action: 'refuse', reason: 'email-unverified-match' };
    expect(decideSignIn(verified, null, { id: 'u2', emailVerified: false })).toEqual(refused);
    expect(decideSignIn(unverified, null, { id: 'u2', emailVerified: true })).toEqual(refused);
  });

  it('refuses a new subject without an email', () => {
    expect(decideSignIn({ email: null, emailVerified: false }, null, null)).toEqual({
      action: 'refuse',
      reason: 'email-required',
    });
  });
});

describe('canUnlink', () => {
  it('keeps at least one way in', () => {
    expect(canUnlink({ hasPassword: true, passkeys: 0, identities: 1 })).toBe(true);
    expect(canUnlink({ hasPassword: false, passkeys: 0, identities: 2 })).toBe(true);
    expect(canUnlink({ hasPassword: false, passkeys: 1, identities: 1 })).toBe(true);
    expect(canUnlink({ hasPassword: false, passkeys: 0, identities: 1 })).toBe(false);
  });
});
