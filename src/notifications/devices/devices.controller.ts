import { Body, Controller, Delete, HttpCode, Post, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentUser, type AuthPrincipal } from '../../common/auth/auth-principal.js';
import { ApiProblems } from '../../http/api-problems.decorator.js';
import { UuidParam } from '../../http/uuid-param.js';
import { DevicesService } from './devices.service.js';
import { DeviceResponseDto, RegisterDeviceDto, toDeviceResponse } from './dto/device.dto.js';

@ApiTags('notifications')
@ApiBearerAuth('bearer')
@Controller('notifications/devices')
export class DevicesController {
  constructor(private readonly devices: DevicesService) {}

  @Post()
  @ApiOperation({
    summary: 'Register this device for push',
    description:
      'Idempotent per token: registering a known token again answers 200 and moves it to the caller (a shared device changing hands).',
  })
  @ApiCreatedResponse({ type: DeviceResponseDto, description: 'Registered' })
  @ApiOkResponse({ type: DeviceResponseDto, description: 'Already registered (now the caller’s)' })
  @ApiProblems(400, 401)
  async register(
    @CurrentUser() user: AuthPrincipal,
    @Body() body: RegisterDeviceDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<DeviceResponseDto> {
    const { device, created } = await this.devices.register(user.userId, body.token, body.platform);
    res.status(created ? 201 : 200);
    return toDeviceResponse(device);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Unregister a push device' })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiProblems(400, 401, 404)
  remove(@CurrentUser() user: AuthPrincipal, @UuidParam() id: string): Promise<void> {
    return this.devices.remove(user.userId, id);
  }
}
