import { Process, Processor } from '@nestjs/bull';
import { QUEUES } from '../../queue/queues.js';
import { PendingSweep } from './pending-sweep.js';

@Processor(QUEUES.files.name)
export class FilesProcessor {
  constructor(private readonly sweep: PendingSweep) {}

  @Process({ name: QUEUES.files.jobs.sweepPending, concurrency: 1 })
  async sweepPending(): Promise<{ deleted: number }> {
    return { deleted: await this.sweep.runOnce() };
  }
}
