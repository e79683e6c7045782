import { ApiProperty } from '@nestjs/swagger';
import type { Page } from '../../../common/pagination/keyset.js';
import type { UserIdentity } from '../../entities/user-identity.entity.js';

export class IdentityResponseDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'google', description: 'The configured provider name' })
  provider: string;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The email the provider last reported (maybe an Apple relay address)',
  })
  email: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  lastUsedAt: string | null;
}

export class IdentityPageDto {
  @ApiProperty({ type: [IdentityResponseDto] })
  data: IdentityResponseDto[];

  @ApiProperty({ type: String, nullable: true })
  nextCursor: string | null;
}

export function toIdentityResponse(identity: UserIdentity): IdentityResponseDto {
  return {
    id: identity.id,
    provider: identity.provider,
    email: identity.email,
    createdAt: identity.createdAt.toISOString(),
    lastUsedAt: identity.lastUsedAt?.toISOString() ?? null,
  };
}

export function toIdentityPage(page: Page<UserIdentity>): IdentityPageDto {
  return { data: page.items.map(toIdentityResponse), nextCursor: page.nextCursor };
}
