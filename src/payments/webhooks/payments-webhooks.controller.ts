import { Controller, HttpCode, Param, Post, Req, type RawBodyRequest } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { Public } from '../../common/auth/public.decorator.js';
import { ApiProblems } from '../../http/api-problems.decorator.js';
import { WebhookParamsDto } from '../checkout/dto/list-payments-query.dto.js';
import { WebhookAckDto } from '../checkout/dto/payment-response.dto.js';
import { WebhookIngestionService } from './webhook-ingestion.service.js';

@ApiTags('payments')
@Controller('payments/webhooks')
export class PaymentsWebhooksController {
  constructor(private readonly ingestion: WebhookIngestionService) {}

  @Post(':provider')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Provider webhook endpoint (called by Stripe, not by apps)',
    description:
      'Verifies the `Stripe-Signature` header over the raw body (300 s tolerance), stores the ' +
      'event once per event id, and acknowledges only after that write; processing is ' +
      'asynchronous. A repeated event is acknowledged again.',
  })
  @ApiHeader({
    name: 'Stripe-Signature',
    required: true,
    description: '`t=<unix time>,v1=<HMAC-SHA256 of "t.body">`, as Stripe (and the sandbox) sign',
  })
  @ApiBody({
    description: 'The provider event exactly as sent: verified over the raw bytes',
    schema: { type: 'object', additionalProperties: true },
  })
  @ApiOkResponse({ type: WebhookAckDto })
  @ApiProblems(400, 404)
  async receive(
    @Param() params: WebhookParamsDto,
    @Req() req: RawBodyRequest<Request>,
  ): Promise<WebhookAckDto> {
    await this.ingestion.ingest(params.provider, req.rawBody, req.headers, { ip: req.ip });
    return { received: true };
  }
}
