import { describe, expect, it } from '@jest/globals';
import { undeclaredNulls } from '../../../http/validation.js';
import { UpdatePreferencesDto } from './preferences.dto.js';

describe('UpdatePreferencesDto nulls', () => {
  it('quiet hours may be null, switches may not', () => {
    expect(
      undeclaredNulls(
        { quietHours: null, channels: { security: null, account: { push: null } } },
        UpdatePreferencesDto,
      ),
    ).toEqual([
      { field: 'channels.account.push', message: 'channels.account.push must not be null' },
      { field: 'channels.security', message: 'channels.security must not be null' },
    ]);
  });
});
