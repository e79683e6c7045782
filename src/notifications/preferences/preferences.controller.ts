import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthPrincipal } from '../../common/auth/auth-principal.js';
import { ApiProblems } from '../../http/api-problems.decorator.js';
import { toPreferencesResponse, toPreferencesUpdate } from './dto/preferences.mapper.js';
import { PreferencesResponseDto, UpdatePreferencesDto } from './dto/preferences.dto.js';
import { PreferencesService } from './preferences.service.js';

@ApiTags('notifications')
@ApiBearerAuth('bearer')
@Controller('notifications/preferences')
export class PreferencesController {
  constructor(private readonly preferences: PreferencesService) {}

  @Get()
  @ApiOperation({
    summary: 'Channel switches per category, and quiet hours',
  })
  @ApiOkResponse({ type: PreferencesResponseDto })
  @ApiProblems(401)
  async get(@CurrentUser() user: AuthPrincipal): Promise<PreferencesResponseDto> {
    return toPreferencesResponse(await this.preferences.get(user.userId));
  }

  @Put()
  @ApiOperation({
    summary: 'Change channel switches and quiet hours',
    description:
      'Switches not named keep their value. Security email cannot be turned off (400, `urn:problem:security-email-required`). ' +
      'Concurrent updates are all applied, one after another, each on top of the previous: switches named by different requests all take effect; where several name the same switch or `quietHours`, the last applied wins.',
  })
  @ApiOkResponse({ type: PreferencesResponseDto })
  @ApiProblems(400, 401)
  async put(
    @CurrentUser() user: AuthPrincipal,
    @Body() body: UpdatePreferencesDto,
  ): Promise<PreferencesResponseDto> {
    const change = { channels: toPreferencesUpdate(body), quietHours: body.quietHours };
    return toPreferencesResponse(await this.preferences.update(user.userId, change));
  }
}
