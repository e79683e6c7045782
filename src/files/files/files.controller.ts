import { Body, Controller, Delete, Get, HttpCode, Post, Query, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentUser, type AuthPrincipal } from '../../common/auth/auth-principal.js';
import { ApiProblems } from '../../http/api-problems.decorator.js';
import { PageQueryDto } from '../../http/pagination/page-query.dto.js';
import { UuidParam } from '../../http/uuid-param.js';
import { CreatedFileResponseDto, CreateFileDto } from '../uploads/dto/create-file.dto.js';
import { UploadsService } from '../uploads/uploads.service.js';
import { FileContentQueryDto } from './dto/file-content-query.dto.js';
import { FileListResponseDto, FileResponseDto, toFileResponse } from './dto/file-response.dto.js';
import { FilesService } from './files.service.js';

@ApiTags('files')
@ApiBearerAuth('bearer')
@ApiProblems(401)
@Controller('files')
export class FilesController {
  constructor(
    private readonly uploads: UploadsService,
    private readonly files: FilesService,
  ) {}

  @Post()
  @ApiOperation({
    summary: 'Start an upload: get a signed URL for the bytes',
    description:
      'Step 1 of 3. Checks the purpose’s types and size limit and your quota, then returns a ' +
      'short-lived signed `upload` (send the bytes there with exactly `upload.headers`; the ' +
      'bytes never pass through this API with the S3 driver), then call POST ' +
      '/files/{id}/complete. A new avatar upload deletes your earlier avatar files other than ' +
      'the one your profile shows.',
  })
  @ApiCreatedResponse({ type: CreatedFileResponseDto })
  @ApiProblems(400, 413, 422)
  async create(
    @CurrentUser() user: AuthPrincipal,
    @Body() body: CreateFileDto,
  ): Promise<CreatedFileResponseDto> {
    const { file, upload } = await this.uploads.create(user.userId, body);
    return {
      ...toFileResponse(file),
      upload: {
        method: upload.method,
        url: upload.url,
        headers: upload.headers ?? {},
        expiresAt: upload.expiresAt.toISOString(),
      },
    };
  }

  @Post(':id/complete')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Finish an upload: check the stored bytes',
    description:
      'Step 3 of 3. The stored object must have the declared size and start with the declared ' +
      'type’s signature; otherwise the file is `rejected` (with `rejectionReason`) and the ' +
      'bytes are deleted. Images become `processing` (re-encoded by the worker, then `ready`), ' +
      'anything else `ready`. Calling it again returns the file as it is.',
  })
  @ApiOkResponse({ type: FileResponseDto })
  @ApiProblems(400, 404)
  @ApiResponse({
    status: 409,
    description: 'Nothing uploaded yet (`urn:problem:file-not-uploaded`)',
  })
  async complete(
    @CurrentUser() user: AuthPrincipal,
    @UuidParam() id: string,
  ): Promise<FileResponseDto> {
    return toFileResponse(await this.uploads.complete(user.userId, id));
  }

  @Get()
  @ApiOperation({ summary: 'List my files, newest first' })
  @ApiOkResponse({ type: FileListResponseDto })
  @ApiProblems(400)
  async list(
    @CurrentUser() user: AuthPrincipal,
    @Query() query: PageQueryDto,
  ): Promise<FileListResponseDto> {
    const page = await this.files.list(user.userId, {
      limit: query.limit ?? 20,
      cursor: query.cursor,
    });
    return { data: page.items.map(toFileResponse), nextCursor: page.nextCursor };
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a file’s metadata (yours; admins: any)' })
  @ApiOkResponse({ type: FileResponseDto })
  @ApiProblems(400, 404)
  async get(@CurrentUser() user: AuthPrincipal, @UuidParam() id: string): Promise<FileResponseDto> {
    return toFileResponse(await this.files.get(user, id));
  }

  @Get(':id/content')
  @ApiOperation({
    summary: 'Download a ready file: a redirect to a short-lived signed URL',
    description:
      'The signed URL serves the bytes with their checked type, `Content-Disposition` (inline ' +
      'for images, attachment otherwise) and, with the local driver, `X-Content-Type-Options: ' +
      'nosniff`. It expires after STORAGE_DOWNLOAD_URL_TTL_S.',
  })
  @ApiResponse({
    status: 302,
    description: 'To the signed URL',
    headers: {
      Location: { required: true, schema: { type: 'string' } },
      'Cache-Control': { required: true, schema: { type: 'string' } },
    },
  })
  @ApiProblems(400, 404)
  @ApiResponse({ status: 409, description: 'Not ready yet (`urn:problem:file-not-ready`)' })
  async content(
    @CurrentUser() user: AuthPrincipal,
    @UuidParam() id: string,
    @Query() query: FileContentQueryDto,
    @Res() res: Response,
  ): Promise<void> {
    const link = await this.files.contentLink(user, id, query.variant);
    // Private: the URL is this user's; cached no longer than half its life.
    res.setHeader('Cache-Control', `private, max-age=${Math.floor(link.expiresInSeconds / 2)}`);
    res.redirect(302, link.url);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete a file (yours; admins: any)',
    description: 'The row goes now; the stored objects are deleted by the worker right after.',
  })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems(400, 404)
  async delete(@CurrentUser() user: AuthPrincipal, @UuidParam() id: string): Promise<void> {
    await this.files.delete(user, id);
  }
}
