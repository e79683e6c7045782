import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import pLimit, { type LimitFunction } from 'p-limit';
import { APP_CONFIG, type AppConfig } from '../../config/index.js';
import { Transactions } from '../../database/transactions.js';
import { OutboxConsumers } from '../../outbox/outbox-consumers.js';
import { OutboxService } from '../../outbox/outbox.service.js';
import {
  FILES_DELETED,
  FILES_UPLOADED,
  type FilesDeletedPayload,
  type FilesUploadedPayload,
} from '../domain/file-events.js';
import { FilesRepository } from '../repositories/files.repository.js';
import { ImageRenderer } from './image-renderer.js';

export type ProcessingResult = 'ready' | 'rejected' | 'skipped';

/**
 * Consumes `files.uploaded`: claims the file (one worker, once), renders its variants, and
 * settles it `ready` with them or `rejected` with a reason. The uploaded bytes are deleted either
 * way (a ready file now points at its cleaned copy), through `files.deleted` in the settling
 * transaction, so a crash between the two never loses the deletion.
 */
@Injectable()
export class ImageProcessing implements OnModuleInit {
  private readonly logger = new Logger(ImageProcessing.name);
  /** The outbox runs many jobs at once; images wait here, before taking a connection. */
  private readonly slots: LimitFunction;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly consumers: OutboxConsumers,
    private readonly files: FilesRepository,
    private readonly renderer: ImageRenderer,
    private readonly transactions: Transactions,
    private readonly outbox: OutboxService,
  ) {
    this.slots = pLimit(config.fileProcessing.processingConcurrency);
  }

  onModuleInit(): void {
    this.consumers.register(FILES_UPLOADED, 'files.process-image', async (message) => {
      await this.process((message.payload as unknown as FilesUploadedPayload).fileId);
    });
  }

  /**
   * The row stays locked while the image is rendered (seconds at most: the pixel bound caps the
   * work), which is what makes the claim exclusive without a lease column. A file already
   * settled, deleted, or being processed by another worker is skipped.
   */
  process(fileId: string): Promise<ProcessingResult> {
    return this.slots(() => this.processNow(fileId));
  }

  private processNow(fileId: string): Promise<ProcessingResult> {
    return this.transactions.run(async (manager) => {
      const file = await this.files.claimForProcessing(manager, fileId);
      if (!file) return 'skipped';
      const outcome = await this.renderer.render(file);
      const obsolete: string[] = [file.storageKey];
      if (outcome.kind === 'rejected') {
        await this.files.markRejected(manager, file.id, outcome.reason);
        this.logger.warn({ fileId, reason: outcome.reason }, 'image rejected');
      } else {
        await this.files.markReady(manager, file.id, {
          storageKey: outcome.clean.key,
          size: outcome.clean.size,
          variants: outcome.variants,
        });
      }
      await this.outbox.publish(manager, {
        type: FILES_DELETED,
        payload: { keys: obsolete } satisfies FilesDeletedPayload,
      });
      return outcome.kind;
    });
  }
}
