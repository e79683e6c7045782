import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthPrincipal } from '../../common/auth/auth-principal.js';
import { ApiProblems } from '../../http/api-problems.decorator.js';
import {
  MutationBatchDto,
  MutationBatchResponseDto,
  toMutationBatchResponse,
} from './dto/mutations.dto.js';
import { MutationsService } from './mutations.service.js';

/** An offline device's queue of writes, flushed on reconnect. */
@ApiTags('sync')
@ApiBearerAuth('bearer')
@Controller('sync/mutations')
export class MutationsController {
  constructor(private readonly mutations: MutationsService) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Apply a batch of mutations',
    description:
      'In order, in one transaction. Each mutation is applied once by its id: a retried batch changes nothing and returns the same results. A conflict (baseRev not current) does not stop the others; a limit (value size, quota) fails the whole batch naming the mutation.',
  })
  @ApiOkResponse({ type: MutationBatchResponseDto })
  @ApiProblems(400, 401, 409, 413)
  async apply(
    @CurrentUser() user: AuthPrincipal,
    @Body() body: MutationBatchDto,
  ): Promise<MutationBatchResponseDto> {
    return toMutationBatchResponse(await this.mutations.apply(user.userId, body));
  }
}
