import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthPrincipal } from '../../common/auth/auth-principal.js';
import { ApiProblems } from '../../http/api-problems.decorator.js';
import { parseCollectionFilter } from '../domain/names.js';
import { ChangesService } from './changes.service.js';
import {
  ChangesQueryDto,
  ChangesResponseDto,
  DEFAULT_CHANGES_LIMIT,
  toChangesResponse,
} from './dto/changes.dto.js';

/** The change feed a device pulls after a `sync` event, and pages through at first sync. */
@ApiTags('sync')
@ApiBearerAuth('bearer')
@Controller('sync/changes')
export class ChangesController {
  constructor(private readonly changes: ChangesService) {}

  @Get()
  @ApiOperation({
    summary: 'Changes after a cursor',
    description:
      'The latest state of every document changed after `since`, tombstones included, in commit order. Without `since`: everything, for the initial sync.',
  })
  @ApiOkResponse({ type: ChangesResponseDto })
  @ApiResponse({
    status: 410,
    description: 'The cursor is older than the tombstone retention: resync from the beginning',
  })
  @ApiProblems(400, 401)
  async list(
    @CurrentUser() user: AuthPrincipal,
    @Query() query: ChangesQueryDto,
  ): Promise<ChangesResponseDto> {
    const page = await this.changes.changesSince(user.userId, {
      since: query.since,
      limit: query.limit ?? DEFAULT_CHANGES_LIMIT,
      // The DTO has checked the names.
      collections: parseCollectionFilter(query.collections) ?? [],
    });
    return toChangesResponse(page);
  }
}
