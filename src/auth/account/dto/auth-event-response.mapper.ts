import type { Page } from '../../../common/pagination/keyset.js';
import type { AuthEvent } from '../../entities/auth-event.entity.js';
import type { AuthEventDto, AuthEventPageDto } from './auth-event.dto.js';

export function toAuthEventResponse(event: AuthEvent): AuthEventDto {
  return {
    id: event.id,
    type: event.type,
    sessionId: event.sessionId,
    actorId: event.actorId,
    ipAddress: event.ipAddress,
    userAgent: event.userAgent,
    requestId: event.requestId,
    details: event.details,
    createdAt: event.createdAt.toISOString(),
  };
}

export function toAuthEventPage(page: Page<AuthEvent>): AuthEventPageDto {
  return { data: page.items.map(toAuthEventResponse), nextCursor: page.nextCursor };
}
