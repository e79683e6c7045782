import { Injectable, Logger } from '@nestjs/common';

/**
 * Told after every committed change of a user's documents, with the cursor after it. Real-time
 * delivery (the `sync` stream event) hangs off this one method.
 */
@Injectable()
export class SyncSignals {
  private readonly logger = new Logger(SyncSignals.name);

  changed(userId: string, cursor: string): void {
    this.logger.debug({ userId, cursor }, 'sync change committed');
  }
}
