import { Injectable, type OnModuleInit } from '@nestjs/common';
import { OutboxConsumers } from '../../outbox/outbox-consumers.js';
import { ObjectStorage } from '../../storage/object-storage.js';
import { FILES_DELETED, type FilesDeletedPayload } from '../domain/file-events.js';

/** Deletes the objects of deleted or rejected files; deleting a missing object is no error. */
@Injectable()
export class ObjectDeletion implements OnModuleInit {
  constructor(
    private readonly consumers: OutboxConsumers,
    private readonly storage: ObjectStorage,
  ) {}

  onModuleInit(): void {
    this.consumers.register(FILES_DELETED, 'files.delete-objects', async (message) => {
      const { keys } = message.payload as unknown as Partial<FilesDeletedPayload>;
      // Our own events; a malformed one must not retry forever.
      if (!Array.isArray(keys)) return;
      await this.storage.delete(keys.filter((key): key is string => typeof key === 'string'));
    });
  }
}
