import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/index.js';
import { ObjectStorage } from '../storage/object-storage.js';
import type { UserWithAvatar } from './domain/user-view.js';

/**
 * Signs the avatar key of a user response into a short-lived download URL. Users knows object
 * storage (infrastructure) but not the files module: the key was set by files when the avatar
 * was chosen, and the image behind it is the WebP square files makes for avatars.
 */
@Injectable()
export class AvatarUrls {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly storage: ObjectStorage,
  ) {}

  async urlFor(key: string | null): Promise<string | null> {
    if (key === null) return null;
    return this.storage.signDownload({
      key,
      expiresInSeconds: this.config.storage.downloadUrlTtlSeconds,
      contentType: 'image/webp',
      filename: 'avatar.webp',
      disposition: 'inline',
    });
  }

  async with<U extends { avatarKey: string | null }>(user: U): Promise<UserWithAvatar<U>> {
    return { ...user, avatarUrl: await this.urlFor(user.avatarKey) };
  }
}
