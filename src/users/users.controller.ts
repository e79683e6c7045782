import { Body, Controller, Get, Patch, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Roles, type AuthPrincipal } from '../common/auth/auth-principal.js';
import { ApiProblems } from '../http/api-problems.decorator.js';
import { UuidParam } from '../http/uuid-param.js';
import { ListUsersQueryDto } from './dto/list-users-query.dto.js';
import { UpdateMeDto } from './dto/update-me.dto.js';
import { toUserResponse, UserPageDto, UserResponseDto } from './dto/user-response.dto.js';
import { UsersService } from './users.service.js';

/**
 * Profile and admin reads. Changes that decide who may authenticate (deletion, role, status)
 * revoke sessions in the same transaction, so they live in AuthModule (AccountController).
 */
@ApiTags('users')
@ApiBearerAuth('bearer')
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get('me')
  @ApiOperation({ summary: 'The signed-in user' })
  @ApiOkResponse({ type: UserResponseDto })
  @ApiProblems(401)
  async me(@CurrentUser() principal: AuthPrincipal): Promise<UserResponseDto> {
    return toUserResponse(await this.users.getView(principal.userId));
  }

  @Patch('me')
  @ApiOperation({ summary: 'Change display name, locale or time zone' })
  @ApiOkResponse({ type: UserResponseDto })
  @ApiProblems(400, 401)
  async updateMe(
    @CurrentUser() principal: AuthPrincipal,
    @Body() body: UpdateMeDto,
  ): Promise<UserResponseDto> {
    return toUserResponse(await this.users.updateProfile(principal.userId, body));
  }

  @Get()
  @Roles('admin')
  @ApiOperation({ summary: 'List users (admin), newest first' })
  @ApiOkResponse({ type: UserPageDto })
  @ApiProblems(400, 401, 403)
  async list(@Query() query: ListUsersQueryDto): Promise<UserPageDto> {
    const page = await this.users.list({
      limit: query.limit ?? 20,
      cursor: query.cursor,
      emailPrefix: query.email,
      role: query.role,
      status: query.status,
    });
    return { data: page.items.map(toUserResponse), nextCursor: page.nextCursor };
  }

  @Get(':id')
  @Roles('admin')
  @ApiOperation({ summary: 'One user (admin)' })
  @ApiOkResponse({ type: UserResponseDto })
  @ApiProblems(400, 401, 403, 404)
  async get(@UuidParam() id: string): Promise<UserResponseDto> {
    return toUserResponse(await this.users.getView(id));
  }
}
