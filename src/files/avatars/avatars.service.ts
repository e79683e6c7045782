import { Injectable } from '@nestjs/common';
import { Transactions } from '../../database/transactions.js';
import { UsersService } from '../../users/index.js';
import { AVATAR_SHOWN } from '../domain/image-variants.js';
import { fileNotAnAvatar, fileNotFound, fileNotReady } from '../domain/files.errors.js';
import { FilesRepository } from '../repositories/files.repository.js';

/** The profile picture: which ready avatar file of the user's the user responses show. */
@Injectable()
export class AvatarsService {
  constructor(
    private readonly files: FilesRepository,
    private readonly users: UsersService,
    private readonly transactions: Transactions,
  ) {}

  /**
   * Checks the file under a share lock (a concurrent delete waits, and then clears the avatar it
   * finds) and points the user at its shown size, in one transaction. The owner's files lock
   * comes first: a new avatar upload drops the spare avatars under it, reading which one is
   * shown, so it waits for this choice to commit instead of deleting the file being chosen.
   */
  async set(userId: string, fileId: string): Promise<void> {
    await this.transactions.run(async (manager) => {
      await this.files.lockOwner(manager, userId);
      const file = await this.files.findOwnedForShare(manager, userId, fileId);
      if (!file) throw fileNotFound();
      if (file.purpose !== 'avatar') throw fileNotAnAvatar();
      if (file.status !== 'ready') throw fileNotReady(file.status);
      const shown = file.variants.find((variant) => variant.name === AVATAR_SHOWN);
      if (!shown) throw fileNotReady(file.status);
      await this.users.setAvatar(userId, { fileId, key: shown.key }, manager);
    });
  }

  /** Shows no avatar; the file stays (delete it with DELETE /files/{id}). Idempotent. */
  async clear(userId: string): Promise<void> {
    await this.transactions.run((manager) => this.users.clearAvatar(userId, manager));
  }
}
