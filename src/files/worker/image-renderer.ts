import type { Readable } from 'node:stream';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import sharp, { type OutputInfo, type Sharp } from 'sharp';
import { APP_CONFIG, type AppConfig } from '../../config/index.js';
import { ObjectStorage } from '../../storage/object-storage.js';
import type { FileVariant, StoredFile } from '../entities/stored-file.entity.js';
import {
  CLEAN_ORIGINAL,
  contentTypeOf,
  formatMatches,
  rejectionFor,
  variantObjectKey,
  variantPlan,
  type ImageRejection,
  type VariantSpec,
} from '../domain/image-variants.js';

export type RenderOutcome =
  | { kind: 'ready'; clean: FileVariant; variants: FileVariant[] }
  | { kind: 'rejected'; reason: ImageRejection };

/** Thrown when the stored object cannot be read: a storage fault, retried, not a bad image. */
class SourceUnreadable extends Error {}

/**
 * Decodes an upload and writes what variantPlan asks for. Re-encoding is the cleaning: sharp
 * writes no metadata (EXIF, GPS, XMP, comments) unless asked, and anything that only pretends to
 * be an image fails to decode. The pixel bound is checked from the header, before any pixel is
 * decoded, so a decompression bomb costs nothing.
 */
@Injectable()
export class ImageRenderer implements OnModuleInit {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly storage: ObjectStorage,
  ) {}

  onModuleInit(): void {
    // libvips' operation cache keeps decoded images for reuse; every upload is a new image, so
    // it would only hold memory in a long-running worker.
    sharp.cache(false);
  }

  async render(file: StoredFile): Promise<RenderOutcome> {
    const plan = variantPlan(file.purpose, file.contentType);
    if (plan.length === 0) return { kind: 'rejected', reason: 'image-unsupported-type' };
    if ((await this.storage.stat(file.storageKey)) === null) {
      // Nothing to process (deleted behind our back): retrying would not bring it back.
      return { kind: 'rejected', reason: 'image-object-missing' };
    }
    const input = await this.readBounded(file);
    if (input === null) return { kind: 'rejected', reason: 'image-undecodable' };
    const decoder = sharp(input, {
      limitInputPixels: this.config.fileProcessing.maxInputPixels,
      failOn: 'warning',
      animated: file.contentType === 'image/gif',
    });
    let encoded: Array<{ spec: VariantSpec; data: Buffer; info: OutputInfo }>;
    try {
      const meta = await decoder.metadata();
      if (!formatMatches(file.contentType, meta.format)) {
        return { kind: 'rejected', reason: 'image-type-mismatch' };
      }
      encoded = await Promise.all(
        plan.map(async (spec) => ({ spec, ...(await encode(decoder.clone(), spec)) })),
      );
    } catch (error) {
      return { kind: 'rejected', reason: rejectionFor((error as Error).message) };
    }
    const written: FileVariant[] = [];
    for (const { spec, data, info } of encoded) {
      const variant: FileVariant = {
        name: spec.name,
        key: variantObjectKey(file.storageKey, spec.name),
        contentType: contentTypeOf(spec.format),
        size: data.length,
        width: info.width,
        height: info.pageHeight ?? info.height,
      };
      await this.storage.write(variant.key, data, variant.contentType);
      written.push(variant);
    }
    const [clean, ...variants] = written;
    if (!clean || clean.name !== CLEAN_ORIGINAL) throw new Error('variant plan lost its original');
    return { kind: 'ready', clean, variants };
  }

  /**
   * The object's bytes, read as a stream and refused past the declared size (complete checked
   * it, but the object could have been replaced since). libvips needs the whole input to decode
   * most formats, so it is collected here, bounded, rather than inside sharp unbounded; null when
   * it is larger than declared.
   */
  private async readBounded(file: StoredFile): Promise<Buffer | null> {
    let stream: Readable;
    try {
      stream = await this.storage.read(file.storageKey);
    } catch (error) {
      throw new SourceUnreadable(`could not read ${file.storageKey}`, { cause: error });
    }
    const chunks: Buffer[] = [];
    let length = 0;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      length += chunk.length;
      if (length > file.size) {
        stream.destroy();
        return null;
      }
      chunks.push(chunk);
    }
    return Buffer.concat(chunks, length);
  }
}

/** Auto-orients (the EXIF rotation is applied to the pixels before the tag goes) and encodes. */
function encode(image: Sharp, spec: VariantSpec) {
  const oriented = image.autoOrient();
  const sized =
    spec.square === null
      ? oriented
      : oriented.resize(spec.square, spec.square, { fit: 'cover', position: 'centre' });
  return formatted(sized, spec).toBuffer({ resolveWithObject: true });
}

function formatted(image: Sharp, spec: VariantSpec): Sharp {
  switch (spec.format) {
    case 'jpeg':
      return image.jpeg({ quality: 85, mozjpeg: true });
    case 'png':
      return image.png();
    case 'webp':
      return image.webp({ quality: 82 });
    case 'gif':
      return image.gif();
  }
}
