import { Body, Controller, Delete, HttpCode, Put } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentUser, type AuthPrincipal } from '../../common/auth/auth-principal.js';
import { ApiProblems } from '../../http/api-problems.decorator.js';
import { toUserResponse, UserResponseDto, UsersService } from '../../users/index.js';
import { AvatarsService } from './avatars.service.js';
import { SetAvatarDto } from './dto/set-avatar.dto.js';

/**
 * PUT/DELETE /users/me/avatar. It lives in files because it checks a file; users, which must not
 * import files, only stores what this passes (UsersService.setAvatar).
 */
@ApiTags('users')
@ApiBearerAuth('bearer')
@ApiProblems(401)
@Controller('users/me/avatar')
export class AvatarsController {
  constructor(
    private readonly avatars: AvatarsService,
    private readonly users: UsersService,
  ) {}

  @Put()
  @ApiOperation({
    summary: 'Show an uploaded image as my avatar',
    description:
      'The file must be yours, of purpose `avatar`, and `ready` (processed by the worker). ' +
      'The response carries the new `avatarUrl`.',
  })
  @ApiOkResponse({ type: UserResponseDto })
  @ApiProblems(400, 404, 409)
  async set(
    @CurrentUser() user: AuthPrincipal,
    @Body() body: SetAvatarDto,
  ): Promise<UserResponseDto> {
    await this.avatars.set(user.userId, body.fileId);
    return toUserResponse(await this.users.getView(user.userId));
  }

  @Delete()
  @HttpCode(204)
  @ApiOperation({ summary: 'Show no avatar (the file itself is kept)' })
  @ApiNoContentResponse()
  async clear(@CurrentUser() user: AuthPrincipal): Promise<void> {
    await this.avatars.clear(user.userId);
  }
}
