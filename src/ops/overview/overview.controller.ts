import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../common/auth/auth-principal.js';
import { ApiProblems } from '../../http/api-problems.decorator.js';
import { OverviewDto, toOverviewResponse } from './overview.dto.js';
import { OverviewService } from './overview.service.js';

@ApiTags('ops')
@ApiBearerAuth('bearer')
@Controller('admin/overview')
export class OverviewController {
  constructor(private readonly overview: OverviewService) {}

  @Get()
  @Roles('admin')
  @ApiOperation({
    summary: 'Operating figures at a glance (admin)',
    description:
      'Users (total, new in 7 days), payments created today (UTC) by status, deliveries of the last 24 h, queue depths and failed jobs, the outbox backlog and readiness of PostgreSQL and Redis.',
  })
  @ApiOkResponse({ type: OverviewDto })
  @ApiProblems(401, 403)
  async get(): Promise<OverviewDto> {
    return toOverviewResponse(await this.overview.read());
  }
}
