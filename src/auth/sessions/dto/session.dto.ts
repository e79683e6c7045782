import { ApiProperty } from '@nestjs/swagger';

export class SessionResponseDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: "Ada's iPhone" })
  deviceName: string;

  @ApiProperty({ type: String, nullable: true })
  userAgent: string | null;

  @ApiProperty({ type: String, nullable: true, example: '203.0.113.7' })
  ipAddress: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  lastUsedAt: string;

  @ApiProperty({ description: 'The session this request was made with' })
  current: boolean;
}

export class SessionPageDto {
  @ApiProperty({ type: [SessionResponseDto] })
  data: SessionResponseDto[];

  @ApiProperty({ type: String, nullable: true })
  nextCursor: string | null;
}
