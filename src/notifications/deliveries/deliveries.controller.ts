import { Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../common/auth/auth-principal.js';
import { ApiProblems } from '../../http/api-problems.decorator.js';
import { UuidParam } from '../../http/uuid-param.js';
import { DeliveriesService } from './deliveries.service.js';
import {
  CatalogueDto,
  DeliveryPageDto,
  DeliveryResponseDto,
  ListDeliveriesQueryDto,
  toCatalogue,
  toDeliveryResponse,
} from './dto/delivery.dto.js';

/** Email and push deliveries for operators (the admin console's notifications page). */
@ApiTags('notifications')
@ApiBearerAuth('bearer')
@Controller('notifications')
export class DeliveriesController {
  constructor(private readonly deliveries: DeliveriesService) {}

  @Get('deliveries')
  @Roles('admin')
  @ApiOperation({ summary: 'Email and push deliveries, newest first, with their errors (admin)' })
  @ApiOkResponse({ type: DeliveryPageDto })
  @ApiProblems(400, 401, 403)
  async list(@Query() query: ListDeliveriesQueryDto): Promise<DeliveryPageDto> {
    const page = await this.deliveries.list({
      limit: query.limit ?? 20,
      cursor: query.cursor,
      status: query.status,
      channel: query.channel,
      userId: query.userId,
    });
    return { data: page.items.map(toDeliveryResponse), nextCursor: page.nextCursor };
  }

  @Post('deliveries/:id/retry')
  @Roles('admin')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Send a failed delivery again (admin)',
    description:
      'The delivery goes back to `queued` and the worker sends it. Only a `failed` delivery can be retried (409 `urn:problem:delivery-not-retryable` otherwise).',
  })
  @ApiOkResponse({ type: DeliveryResponseDto })
  @ApiProblems(400, 401, 403, 404, 409)
  async retry(@UuidParam() id: string): Promise<DeliveryResponseDto> {
    return toDeliveryResponse(await this.deliveries.retry(id));
  }

  @Get('catalogue')
  @Roles('admin')
  @ApiOperation({ summary: 'The notification types, their category and default channels (admin)' })
  @ApiOkResponse({ type: CatalogueDto })
  @ApiProblems(401, 403)
  catalogue(): CatalogueDto {
    return toCatalogue();
  }
}
