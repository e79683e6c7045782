import { Controller, Get, HttpCode, Logger, Param, Put, Req, Res } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { Public } from '../../common/auth/public.decorator.js';
import { Clock } from '../../common/clock.js';
import { ProblemException } from '../../http/problem.exception.js';
import { contentDisposition } from '../content-disposition.js';
import { ObjectStorage } from '../object-storage.js';
import {
  LocalObjectStorage,
  LocalStorageRefusal,
  type LocalRefusal,
} from './local-object-storage.js';

const REFUSALS: Record<LocalRefusal, { status: number; slug: string; detail: string }> = {
  malformed: { status: 403, slug: 'signed-url-invalid', detail: 'The signed URL is not valid.' },
  'bad-signature': {
    status: 403,
    slug: 'signed-url-invalid',
    detail: 'The signed URL is not valid.',
  },
  'wrong-method': {
    status: 403,
    slug: 'signed-url-invalid',
    detail: 'The signed URL does not allow this method.',
  },
  expired: { status: 403, slug: 'signed-url-expired', detail: 'The signed URL has expired.' },
  'content-type-mismatch': {
    status: 403,
    slug: 'signed-url-mismatch',
    detail: 'Send exactly the Content-Type the URL was signed for.',
  },
  'content-length-mismatch': {
    status: 403,
    slug: 'signed-url-mismatch',
    detail: 'Send exactly the Content-Length the URL was signed for, and that many bytes.',
  },
  'already-uploaded': {
    status: 409,
    slug: 'object-already-uploaded',
    detail: 'The object was uploaded already; a signed upload writes once.',
  },
  'not-found': { status: 404, slug: 'not-found', detail: 'No such object.' },
};

/**
 * The types a download is served with: the stored file's checked type (what the files module
 * accepts) or a variant's (the worker writes WebP avatar sizes). Listed here because storage is
 * infrastructure and knows no feature's allow-list.
 */
const SERVED_TYPES = [
  'application/octet-stream',
  'image/jpeg',
  'image/png',
  'image/webp',
  'image/gif',
  'application/pdf',
  'application/zip',
  'text/plain',
  'text/csv',
  'audio/mpeg',
  'video/mp4',
];

const TOKEN_PARAM = {
  name: 'token',
  description: 'The signed grant, as returned in `upload.url` or by GET /files/{id}/content',
  schema: { type: 'string', maxLength: 4096 },
} as const;

/**
 * The local driver's signed URLs (STORAGE_DRIVER=local; 404 with the S3 driver, whose URLs point
 * at the store). No bearer token: the URL's signature is the authorization.
 */
@ApiTags('files')
@Public()
@Controller('storage/local')
export class LocalStorageController {
  private readonly logger = new Logger(LocalStorageController.name);

  constructor(
    private readonly storage: ObjectStorage,
    private readonly clock: Clock,
  ) {}

  @Put(':token')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Upload the bytes of a file (local driver, the URL from POST /files)',
    description:
      'Send the raw bytes with exactly the `Content-Type` and `Content-Length` headers the URL ' +
      'was signed for. Write-once: a second upload to the same URL answers 409.',
  })
  @ApiParam(TOKEN_PARAM)
  @ApiConsumes('application/octet-stream')
  @ApiBody({
    description: 'The raw bytes, with exactly the signed Content-Type and Content-Length',
    schema: { type: 'string', format: 'binary' },
  })
  @ApiNoContentResponse({ description: 'Stored; now call POST /files/{id}/complete' })
  @ApiResponse({ status: 403, description: 'Invalid, expired, or other headers than signed' })
  @ApiResponse({ status: 404, description: 'Not a local-driver deployment' })
  @ApiResponse({ status: 409, description: 'Already uploaded' })
  async upload(@Param('token') token: string, @Req() req: Request): Promise<void> {
    const local = this.local();
    await local
      .acceptUpload(
        token,
        { contentType: req.headers['content-type'], contentLength: req.headers['content-length'] },
        req,
      )
      .catch(toProblem);
  }

  @Get(':token')
  @ApiOperation({
    summary: 'Download a file (local driver, the URL GET /files/{id}/content redirects to)',
  })
  @ApiParam(TOKEN_PARAM)
  @ApiProduces(...SERVED_TYPES)
  @ApiOkResponse({
    description: 'The bytes, with the stored type; never rendered as active content',
    content: Object.fromEntries(
      SERVED_TYPES.map((type) => [type, { schema: { type: 'string', format: 'binary' } }]),
    ),
    headers: {
      'Content-Disposition': { required: true, schema: { type: 'string' } },
      'X-Content-Type-Options': { required: true, schema: { type: 'string', enum: ['nosniff'] } },
      'Cache-Control': { required: true, schema: { type: 'string' } },
    },
  })
  @ApiResponse({ status: 403, description: 'Invalid or expired URL' })
  @ApiResponse({ status: 404, description: 'No such object, or not a local-driver deployment' })
  async download(@Param('token') token: string, @Res() res: Response): Promise<void> {
    const download = await this.local().openDownload(token).catch(toProblem);
    const { grant } = download;
    const maxAge = Math.max(0, grant.expires - Math.floor(this.clock.now().getTime() / 1000));
    res.status(200);
    res.setHeader('Content-Type', grant.contentType);
    res.setHeader('Content-Length', String(download.size));
    res.setHeader('Content-Disposition', contentDisposition(grant.disposition, grant.filename));
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cache-Control', `private, max-age=${maxAge}`);
    // A sandbox for anything a browser might still try to render.
    res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
    try {
      await pipeline(download.body, res);
    } catch (error) {
      // A client that stops reading (a closed tab, a skipped video) is no server fault.
      if ((error as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') throw error;
      this.logger.debug('download aborted by the client');
    }
  }

  private local(): LocalObjectStorage {
    if (!(this.storage instanceof LocalObjectStorage)) {
      throw new ProblemException({ status: 404, slug: 'not-found', detail: 'No such route.' });
    }
    return this.storage;
  }
}

function toProblem(error: unknown): never {
  if (!(error instanceof LocalStorageRefusal)) throw error;
  throw new ProblemException(REFUSALS[error.reason]);
}
