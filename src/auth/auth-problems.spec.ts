import { describe, expect, it } from '@jest/globals';
import { problemHeaders, toProblem } from '../http/problem-details.filter.js';
import {
  accountDisabled,
  emailNotVerified,
  invalidCredentials,
  invalidRefreshToken,
  invalidToken,
  refreshInProgress,
  tooManyAttempts,
  weakPassword,
  wrongPassword,
} from './domain/auth.errors.js';

/**
 * What clients see of auth's domain errors: the bodies and headers they had when auth threw
 * ProblemExceptions, member for member (clients match on type, status and extensions).
 */
describe('auth problems', () => {
  const render = (error: Error) => ({
    body: toProblem(error),
    headers: problemHeaders(error, toProblem(error)),
  });

  it('keeps the 429 wait in the Retry-After header and the retryAfter member', () => {
    expect(render(tooManyAttempts(7))).toEqual({
      body: {
        type: 'urn:problem:too-many-requests',
        title: 'Too Many Requests',
        status: 429,
        detail: 'Too many attempts. Try again in 7 seconds.',
        retryAfter: 7,
      },
      headers: { 'Retry-After': '7' },
    });
  });

  it('asks a raced refresh to retry after a second, without a body member', () => {
    expect(render(refreshInProgress())).toEqual({
      body: {
        type: 'urn:problem:refresh-in-progress',
        title: 'Conflict',
        status: 409,
        detail: 'This refresh token is being rotated by a concurrent request; retry shortly.',
      },
      headers: { 'Retry-After': '1' },
    });
  });

  it('names the field of a refused or wrong password, and the policy reason', () => {
    expect(render(weakPassword('newPassword', 'Use at least 12 characters.', 'too_short'))).toEqual(
      {
        body: {
          type: 'urn:problem:weak-password',
          title: 'Bad Request',
          status: 400,
          detail: 'Use at least 12 characters.',
          errors: [{ field: 'newPassword', message: 'Use at least 12 characters.' }],
          reason: 'too_short',
        },
        headers: {},
      },
    );
    expect(toProblem(wrongPassword('password'))).toEqual({
      type: 'urn:problem:wrong-password',
      title: 'Forbidden',
      status: 403,
      detail: 'The current password is incorrect.',
      errors: [{ field: 'password', message: 'The current password is incorrect.' }],
    });
    expect(toProblem(invalidToken()).errors).toEqual([
      { field: 'token', message: 'token is invalid, expired or already used' },
    ]);
  });

  it('keeps the statuses of the sign-in refusals', () => {
    const statuses = [
      invalidCredentials(),
      invalidRefreshToken(),
      accountDisabled(),
      emailNotVerified(),
    ].map((e) => [toProblem(e).type, toProblem(e).status]);
    expect(statuses).toEqual([
      ['urn:problem:invalid-credentials', 401],
      ['urn:problem:invalid-refresh-token', 401],
      ['urn:problem:account-disabled', 403],
      ['urn:problem:email-not-verified', 403],
    ]);
  });
});
