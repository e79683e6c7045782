import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { USER_ROLES, USER_STATUSES, type UserRole, type UserStatus } from '../../../users/index.js';

export class AdminUpdateUserDto {
  @ApiPropertyOptional({ enum: USER_ROLES, enumName: 'UserRole' })
  @IsOptional()
  @IsIn(USER_ROLES)
  role?: UserRole;

  @ApiPropertyOptional({
    enum: USER_STATUSES,
    enumName: 'UserStatus',
    description: 'Disabling ends every session of the user at once',
  })
  @IsOptional()
  @IsIn(USER_STATUSES)
  status?: UserStatus;
}
