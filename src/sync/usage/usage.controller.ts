import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../common/auth/auth-principal.js';
import { ApiProblems } from '../../http/api-problems.decorator.js';
import { UuidParam } from '../../http/uuid-param.js';
import { SyncUsageResponseDto, toSyncUsageResponse } from './dto/usage.dto.js';
import { UsageService } from './usage.service.js';

@ApiTags('sync')
@ApiBearerAuth('bearer')
@Controller('users/:id/sync/usage')
export class UsageController {
  constructor(private readonly usage: UsageService) {}

  @Get()
  @Roles('admin')
  @ApiOperation({ summary: "A user's synced data (admin)" })
  @ApiOkResponse({ type: SyncUsageResponseDto })
  @ApiProblems(400, 401, 403, 404)
  async get(@UuidParam() id: string): Promise<SyncUsageResponseDto> {
    return toSyncUsageResponse(await this.usage.usageOf(id));
  }
}
