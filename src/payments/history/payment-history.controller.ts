import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../common/auth/auth-principal.js';
import { ApiProblems } from '../../http/api-problems.decorator.js';
import { UuidParam } from '../../http/uuid-param.js';
import { PaymentHistoryDto, toPaymentHistoryResponse } from './dto/payment-history.dto.js';
import { PaymentHistoryService } from './payment-history.service.js';

@ApiTags('payments')
@ApiBearerAuth('bearer')
@Controller('payments')
export class PaymentHistoryController {
  constructor(private readonly history: PaymentHistoryService) {}

  @Get(':id/history')
  @Roles('admin')
  @ApiOperation({
    summary: "A payment's status timeline, refunds and provider webhook events (admin)",
  })
  @ApiOkResponse({ type: PaymentHistoryDto })
  @ApiProblems(400, 401, 403, 404)
  async get(@UuidParam() id: string): Promise<PaymentHistoryDto> {
    return toPaymentHistoryResponse(await this.history.get(id));
  }
}
