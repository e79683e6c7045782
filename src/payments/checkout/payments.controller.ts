import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentUser, Roles, type AuthPrincipal } from '../../common/auth/auth-principal.js';
import { ApiProblems } from '../../http/api-problems.decorator.js';
import { NoStore } from '../../http/cache-control.js';
import { UuidParam } from '../../http/uuid-param.js';
import { Idempotent, IDEMPOTENT_RESPONSE_HEADERS } from '../../idempotency/idempotent.decorator.js';
import { CreateRefundDto, RefundResponseDto } from '../refunds/dto/create-refund.dto.js';
import { RefundsService } from '../refunds/refunds.service.js';
import { ConfirmPaymentDto, CreatePaymentDto } from './dto/create-payment.dto.js';
import { ListPaymentsQueryDto } from './dto/list-payments-query.dto.js';
import {
  PaymentListResponseDto,
  PaymentResponseDto,
  toPaymentResponse,
  toRefundResponse,
} from './dto/payment-response.dto.js';
import { PaymentsService } from './payments.service.js';

const ONE_OPERATION_AT_A_TIME =
  ' One confirm or cancel of a payment runs at a time: while another request (another ' +
  'Idempotency-Key) is confirming or canceling it, this one answers 409 ' +
  '`urn:problem:payment-operation-in-progress` with `Retry-After` and does nothing; retry to see ' +
  'the outcome.';

/** The 409 of a payment busy with another request's confirm or cancel, with its Retry-After. */
const ApiPaymentBusy = () =>
  ApiResponse({
    status: 409,
    description:
      'The payment’s state does not allow this (`urn:problem:payment-state-conflict`), or ' +
      'another request is confirming or canceling it (`urn:problem:payment-operation-in-progress`, ' +
      'with Retry-After: nothing was done, retry after it)',
    headers: {
      'Retry-After': {
        description: 'Seconds to wait before retrying (sent with `payment-operation-in-progress`)',
        schema: { type: 'integer', minimum: 1 },
      },
    },
  });

@ApiTags('payments')
@ApiBearerAuth('bearer')
@ApiProblems(401)
@Controller('payments')
export class PaymentsController {
  constructor(
    private readonly payments: PaymentsService,
    private readonly refunds: RefundsService,
  ) {}

  @Post()
  @Idempotent()
  @ApiOperation({
    summary: 'Create a payment',
    description:
      'Creates the payment and its provider intent. Confirm it with the returned `clientSecret` ' +
      'in the provider SDK (Stripe), or with POST /payments/{id}/confirm (sandbox, or a ' +
      'server-side Stripe confirm). The final status arrives by webhook.',
  })
  @ApiCreatedResponse({ type: PaymentResponseDto, headers: IDEMPOTENT_RESPONSE_HEADERS })
  @ApiProblems(400, 503)
  async create(
    @CurrentUser() user: AuthPrincipal,
    @Body() body: CreatePaymentDto,
  ): Promise<PaymentResponseDto> {
    return toPaymentResponse(await this.payments.create(user.userId, body));
  }

  // A payment carries the provider's clientSecret while it awaits the customer.
  @NoStore()
  @Get()
  @ApiOperation({ summary: 'List payments (mine; admins: everyone’s, or one user’s)' })
  @ApiOkResponse({ type: PaymentListResponseDto })
  @ApiProblems(400, 403)
  async list(
    @CurrentUser() user: AuthPrincipal,
    @Query() query: ListPaymentsQueryDto,
  ): Promise<PaymentListResponseDto> {
    const page = await this.payments.list(user, {
      limit: query.limit ?? 20,
      cursor: query.cursor,
      status: query.status,
      userId: query.userId,
    });
    return { data: page.items.map(toPaymentResponse), nextCursor: page.nextCursor };
  }

  @NoStore()
  @Get(':id')
  @ApiOperation({ summary: 'Get a payment' })
  @ApiOkResponse({ type: PaymentResponseDto })
  @ApiProblems(400, 404)
  async get(
    @CurrentUser() user: AuthPrincipal,
    @UuidParam() id: string,
  ): Promise<PaymentResponseDto> {
    return toPaymentResponse(await this.payments.get(user, id));
  }

  @Post(':id/confirm')
  @HttpCode(200)
  @Idempotent()
  @ApiOperation({
    summary: 'Confirm a payment with a payment method',
    description:
      'A decline answers 200 with status `failed`; an unanswered provider call answers 200 with ' +
      'status `processing` (the webhook or reconciliation settles it).' +
      ONE_OPERATION_AT_A_TIME,
  })
  @ApiOkResponse({ type: PaymentResponseDto, headers: IDEMPOTENT_RESPONSE_HEADERS })
  @ApiProblems(400, 404)
  @ApiPaymentBusy()
  async confirm(
    @CurrentUser() user: AuthPrincipal,
    @UuidParam() id: string,
    @Body() body: ConfirmPaymentDto,
  ): Promise<PaymentResponseDto> {
    return toPaymentResponse(await this.payments.confirm(user.userId, id, body.paymentMethod));
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Idempotent()
  @ApiOperation({
    summary: 'Cancel a payment that is still awaiting the customer',
    description:
      'A payment already canceled (or past cancelling) answers 409 ' +
      '`urn:problem:payment-state-conflict`; 503 means the provider did not answer (retry with ' +
      'the same Idempotency-Key).' +
      ONE_OPERATION_AT_A_TIME,
  })
  @ApiOkResponse({ type: PaymentResponseDto, headers: IDEMPOTENT_RESPONSE_HEADERS })
  @ApiProblems(400, 404, 503)
  @ApiPaymentBusy()
  async cancel(
    @CurrentUser() user: AuthPrincipal,
    @UuidParam() id: string,
  ): Promise<PaymentResponseDto> {
    return toPaymentResponse(await this.payments.cancel(user.userId, id));
  }

  @Post(':id/refunds')
  @Roles('admin')
  @Idempotent()
  @ApiOperation({
    summary: 'Refund a payment, fully or in part (admin)',
    description:
      'Refunds add up to at most the amount paid (409 beyond). `pending` refunds complete ' +
      'later; the customer gets a receipt when a refund succeeds. Concurrent refunds of one ' +
      'payment (different Idempotency-Keys) are separate refunds: each is checked against what ' +
      'the ones before it left (pending ones included), and each goes to the provider on its own.',
  })
  @ApiCreatedResponse({ type: RefundResponseDto, headers: IDEMPOTENT_RESPONSE_HEADERS })
  @ApiProblems(400, 403, 404, 409)
  async refund(
    @CurrentUser() user: AuthPrincipal,
    @UuidParam() id: string,
    @Body() body: CreateRefundDto,
  ): Promise<RefundResponseDto> {
    return toRefundResponse(await this.refunds.create(user.userId, id, body));
  }
}
