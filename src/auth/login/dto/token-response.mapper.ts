import { toUserResponse } from '../../../users/index.js';
import type { SignedIn } from '../../session-tokens.js';
import type { TokenResponseDto } from './auth.dto.js';

export function toTokenResponse(signedIn: SignedIn): TokenResponseDto {
  return {
    accessToken: signedIn.accessToken,
    refreshToken: signedIn.refreshToken,
    expiresIn: signedIn.expiresIn,
    tokenType: 'Bearer',
    user: toUserResponse(signedIn.user),
  };
}
