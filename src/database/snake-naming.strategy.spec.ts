import { describe, expect, it } from '@jest/globals';
import { snakeCase } from './snake-naming.strategy.js';

describe('snakeCase', () => {
  it.each([
    ['emailVerifiedAt', 'email_verified_at'],
    ['PaymentEvent', 'payment_event'],
    ['userID', 'user_id'],
    ['HTTPRequestLog', 'http_request_log'],
    ['already_snake', 'already_snake'],
  ])('%s -> %s', (input, expected) => {
    expect(snakeCase(input)).toBe(expected);
  });
});
