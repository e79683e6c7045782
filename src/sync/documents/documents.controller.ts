import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Param,
  Put,
  Query,
  Res,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiExtraModels,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiResponse,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentUser, type AuthPrincipal } from '../../common/auth/auth-principal.js';
import { ApiProblems } from '../../http/api-problems.decorator.js';
import { DEFAULT_PAGE_SIZE } from '../../http/pagination/page-query.dto.js';
import { PROBLEM_CONTENT_TYPE } from '../../http/problem-details.js';
import { etagOf, notModified, writePrecondition } from '../domain/preconditions.js';
import { DocumentsService } from './documents.service.js';
import {
  CollectionParamsDto,
  DocumentParamsDto,
  PutDocumentDto,
  SyncDocumentPageDto,
  SyncDocumentResponseDto,
  toSyncDocumentResponse,
} from './dto/document.dto.js';
import { ListDocumentsQueryDto } from './dto/list-documents-query.dto.js';
import { SyncPreconditionFailedDto } from './dto/precondition-failed.dto.js';

const ETAG = {
  ETag: {
    required: true,
    description: 'The document\'s rev as an entity tag: `"<rev>"`',
    schema: { type: 'string', pattern: '^"[0-9]+"$' },
  },
};

const PRECONDITION_FAILED = {
  status: 412,
  description: "If-Match or If-None-Match did not hold: `current` is the server's document",
  content: {
    [PROBLEM_CONTENT_TYPE]: { schema: { $ref: getSchemaPath(SyncPreconditionFailedDto) } },
  },
};

const IF_MATCH = ApiHeader({
  name: 'If-Match',
  required: false,
  description: 'Only if the document is live at this rev: `"<rev>"` (a list, or `*` for any)',
});
const IF_NONE_MATCH_WRITE = ApiHeader({
  name: 'If-None-Match',
  required: false,
  description:
    '`*`: only if no live document (create only). Without either header the last writer wins.',
});

/** A user's documents: one resource per (collection, key), with its rev as the ETag. */
@ApiTags('sync')
@ApiBearerAuth('bearer')
@ApiExtraModels(SyncPreconditionFailedDto)
@Controller('sync/documents')
export class DocumentsController {
  constructor(private readonly documents: DocumentsService) {}

  @Get(':collection')
  @ApiOperation({ summary: "List a collection's live documents, in key order" })
  @ApiOkResponse({ type: SyncDocumentPageDto })
  @ApiProblems(400, 401)
  async list(
    @CurrentUser() user: AuthPrincipal,
    @Param() params: CollectionParamsDto,
    @Query() query: ListDocumentsQueryDto,
  ): Promise<SyncDocumentPageDto> {
    const page = await this.documents.list(user.userId, params.collection, {
      limit: query.limit ?? DEFAULT_PAGE_SIZE,
      cursor: query.cursor,
    });
    return { data: page.items.map(toSyncDocumentResponse), nextCursor: page.nextCursor };
  }

  @Get(':collection/:key')
  @ApiOperation({ summary: 'One document' })
  @ApiHeader({
    name: 'If-None-Match',
    required: false,
    description: 'The ETag the client holds: 304 if it is still current',
  })
  @ApiOkResponse({ type: SyncDocumentResponseDto, headers: ETAG })
  @ApiResponse({
    status: 304,
    description: "Not modified: the client's copy is current",
    headers: ETAG,
  })
  @ApiProblems(400, 401, 404)
  async get(
    @CurrentUser() user: AuthPrincipal,
    @Param() params: DocumentParamsDto,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<SyncDocumentResponseDto | undefined> {
    const document = await this.documents.get(user.userId, params);
    res.setHeader('ETag', etagOf(document.rev));
    if (notModified(ifNoneMatch, document.rev)) {
      res.status(304);
      return undefined;
    }
    return toSyncDocumentResponse(document);
  }

  @Put(':collection/:key')
  @ApiOperation({
    summary: 'Store a document',
    description:
      'Creates or replaces the value. With If-Match only if unchanged, with If-None-Match: * only if absent, with neither the last writer wins.',
  })
  @IF_MATCH
  @IF_NONE_MATCH_WRITE
  @ApiOkResponse({ type: SyncDocumentResponseDto, headers: ETAG, description: 'Stored' })
  @ApiResponse(PRECONDITION_FAILED)
  @ApiProblems(400, 401, 409, 413)
  async put(
    @CurrentUser() user: AuthPrincipal,
    @Param() params: DocumentParamsDto,
    @Body() body: PutDocumentDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<SyncDocumentResponseDto> {
    const precondition = writePrecondition(ifMatch, ifNoneMatch);
    const document = await this.documents.put(user.userId, params, body.value, precondition);
    res.setHeader('ETag', etagOf(document.rev));
    return toSyncDocumentResponse(document);
  }

  @Delete(':collection/:key')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete a document',
    description: 'Leaves a tombstone in the change feed (kept SYNC_TOMBSTONE_RETENTION_DAYS).',
  })
  @IF_MATCH
  @IF_NONE_MATCH_WRITE
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiResponse(PRECONDITION_FAILED)
  @ApiProblems(400, 401, 404)
  async remove(
    @CurrentUser() user: AuthPrincipal,
    @Param() params: DocumentParamsDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
  ): Promise<void> {
    await this.documents.delete(user.userId, params, writePrecondition(ifMatch, ifNoneMatch));
  }
}
