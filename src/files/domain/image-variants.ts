import type { FilePurpose } from '../entities/stored-file.entity.js';

/** Square avatar sizes, in pixels: a list row, a profile header, a retina profile page. */
export const AVATAR_SIZES = [64, 256, 512] as const;

/** Formats the worker writes: the source's own for the cleaned original, WebP for avatar sizes. */
export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'gif';

const FORMAT_OF_TYPE: Record<string, ImageFormat> = {
  'image/jpeg': 'jpeg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/gif': 'gif',
};

export const contentTypeOf = (format: ImageFormat): string => `image/${format}`;

/** The format a declared type decodes as, or null for a type the worker does not process. */
export const formatOfType = (contentType: string): ImageFormat | null =>
  FORMAT_OF_TYPE[contentType] ?? null;

/** One object the worker derives from an upload. */
export interface VariantSpec {
  /** The name clients pass as `?variant=` (and the last segment of its object key). */
  name: string;
  format: ImageFormat;
  /** A square crop of this side, or null to keep the decoded size (the cleaned original). */
  square: number | null;
}

/** The name of the re-encoded original (metadata stripped) that replaces the uploaded bytes. */
export const CLEAN_ORIGINAL = 'clean';

export const squareVariantName = (side: number): string => `square-${side}`;

/**
 * What the worker writes for an image: always the re-encoded original in its own format (the
 * uploaded bytes, EXIF/GPS and all, are deleted), and for an avatar the square sizes in WebP
 * (smaller than JPEG/PNG at the same quality, shown by every current browser and mobile OS).
 */
export function variantPlan(purpose: FilePurpose, contentType: string): VariantSpec[] {
  const format = formatOfType(contentType);
  if (!format) return [];
  const clean: VariantSpec = { name: CLEAN_ORIGINAL, format, square: null };
  if (purpose !== 'avatar') return [clean];
  return [
    clean,
    ...AVATAR_SIZES.map((side) => ({
      name: squareVariantName(side),
      format: 'webp' as const,
      square: side,
    })),
  ];
}

/** The variant a user's `avatarUrl` shows. */
export const AVATAR_SHOWN = squareVariantName(256);

/** Derived objects sit beside the upload: `files/<owner>/<file>/original` → `…/<name>`. */
export function variantObjectKey(storageKey: string, name: string): string {
  const slash = storageKey.lastIndexOf('/');
  return `${slash < 0 ? '' : storageKey.slice(0, slash + 1)}${name}`;
}

/** Why an image was rejected, as stored in `rejection_reason` (at most 64 characters). */
export type ImageRejection =
  | 'image-too-many-pixels'
  | 'image-undecodable'
  | 'image-type-mismatch'
  | 'image-unsupported-type'
  | 'image-object-missing';

/**
 * Maps a decoder failure to its reason. libvips reports the pixel bound as "exceeds pixel
 * limit"; everything else (truncated data, bad CRCs, unknown formats) means the bytes are not the
 * image they claim to be.
 */
export function rejectionFor(decoderMessage: string): ImageRejection {
  if (/pixel limit/i.test(decoderMessage)) return 'image-too-many-pixels';
  return 'image-undecodable';
}

/** A declared type and the decoder's format agree (complete only checked the first bytes). */
export function formatMatches(contentType: string, decoded: string | undefined): boolean {
  const expected = formatOfType(contentType);
  return expected !== null && expected === decoded;
}
