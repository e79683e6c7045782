import type { Page } from '../../../common/pagination/keyset.js';
import type { SessionView } from '../sessions.service.js';
import type { SessionPageDto, SessionResponseDto } from './session.dto.js';

export function toSessionResponse({ session, current }: SessionView): SessionResponseDto {
  return {
    id: session.id,
    deviceName: session.deviceName,
    userAgent: session.userAgent,
    ipAddress: session.ipAddress,
    createdAt: session.createdAt.toISOString(),
    lastUsedAt: session.lastUsedAt.toISOString(),
    current,
  };
}

export function toSessionPage(page: Page<SessionView>): SessionPageDto {
  return { data: page.items.map(toSessionResponse), nextCursor: page.nextCursor };
}
