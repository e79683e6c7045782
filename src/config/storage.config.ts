import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { ConfigError } from './config.error.js';
import { bool, int, url, type EnvOf } from './env.helpers.js';

const MB = 1024 * 1024;

/** Variables of object storage (the files module's bytes) and of the files module's limits. */
export const storageEnv = {
  STORAGE_DRIVER: z.enum(['local', 's3']).default('local'),
  /** Production refuses the local driver (one instance's disk) unless this says so. */
  STORAGE_ALLOW_LOCAL_IN_PRODUCTION: bool.default(false),
  /** Local driver: the HMAC key of its signed URLs; derived from JWT_SECRET when unset. */
  STORAGE_SIGNING_SECRET: z.string().min(32, 'at least 32 characters').optional(),
  /** Unset for AWS S3; the store's URL for R2, MinIO, Backblaze… */
  S3_ENDPOINT: url(/^https?:$/).optional(),
  S3_REGION: z.string().min(1).default('us-east-1'),
  S3_BUCKET: z.string().min(3).max(63).optional(),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  /** `https://endpoint/bucket/key` rather than `https://bucket.endpoint/key` (MinIO, most local stores). */
  S3_FORCE_PATH_STYLE: bool.default(false),
  /** Lifetime of a signed upload URL. */
  STORAGE_UPLOAD_URL_TTL_S: int(30, 3600).default(900),
  /** Lifetime of a signed download URL (what GET /files/{id}/content redirects to). */
  STORAGE_DOWNLOAD_URL_TTL_S: int(10, 3600).default(300),
  FILES_AVATAR_MAX_BYTES: int(1, 100 * MB).default(5 * MB),
  FILES_ATTACHMENT_MAX_BYTES: int(1, 5 * 1024 * MB).default(25 * MB),
  /** Per user: files kept (pending and processing count; rejected ones do not). */
  FILES_QUOTA_COUNT: int(1, 1_000_000).default(1000),
  /** Per user: bytes of the declared sizes of the files counted above. */
  FILES_QUOTA_BYTES: int(1, Number.MAX_SAFE_INTEGER).default(1024 * MB),
};

type StorageEnv = EnvOf<typeof storageEnv> & {
  NODE_ENV: 'development' | 'test' | 'production';
  DATA_DIR: string;
  APP_URL: string;
  JWT_SECRET?: string;
};

const S3_REQUIRED = ['S3_BUCKET', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'] as const;

export function storageConfig(env: StorageEnv, jwtSecret: string) {
  if (
    env.NODE_ENV === 'production' &&
    env.STORAGE_DRIVER === 'local' &&
    !env.STORAGE_ALLOW_LOCAL_IN_PRODUCTION
  ) {
    throw new ConfigError([
      'STORAGE_DRIVER: local keeps files on one instance’s disk; set STORAGE_DRIVER=s3, or ' +
        'STORAGE_ALLOW_LOCAL_IN_PRODUCTION=true for a single-instance deployment',
    ]);
  }
  if (env.STORAGE_DRIVER === 's3') {
    const missing = S3_REQUIRED.filter((name) => env[name] === undefined);
    if (missing.length > 0) {
      throw new ConfigError(missing.map((name) => `${name}: required when STORAGE_DRIVER=s3`));
    }
  }
  return {
    driver: env.STORAGE_DRIVER,
    uploadUrlTtlSeconds: env.STORAGE_UPLOAD_URL_TTL_S,
    downloadUrlTtlSeconds: env.STORAGE_DOWNLOAD_URL_TTL_S,
    local: {
      directory: `${env.DATA_DIR.replace(/\/+$/, '')}/files`,
      publicUrl: env.APP_URL.replace(/\/+$/, ''),
      // A key of its own, so a leaked URL signature says nothing about the JWT key and back.
      signingSecret:
        env.STORAGE_SIGNING_SECRET ??
        createHmac('sha256', jwtSecret).update('storage-url-signing').digest('hex'),
    },
    s3: {
      endpoint: env.S3_ENDPOINT,
      region: env.S3_REGION,
      bucket: env.S3_BUCKET ?? '',
      accessKeyId: env.S3_ACCESS_KEY_ID ?? '',
      secretAccessKey: env.S3_SECRET_ACCESS_KEY ?? '',
      forcePathStyle: env.S3_FORCE_PATH_STYLE,
    },
    files: {
      avatarMaxBytes: env.FILES_AVATAR_MAX_BYTES,
      attachmentMaxBytes: env.FILES_ATTACHMENT_MAX_BYTES,
      quotaCount: env.FILES_QUOTA_COUNT,
      quotaBytes: env.FILES_QUOTA_BYTES,
    },
  };
}
export type StorageConfig = ReturnType<typeof storageConfig>;
