export interface MicroBatcherOptions {
  /** The most items one call of the batch function receives. */
  maxBatch: number;
  /** Batches running at once; items arriving meanwhile wait and go out together. */
  maxInFlight: number;
}

/**
 * Gathers items that arrive together (the same turn of the event loop, or while earlier batches
 * are still running) and hands them to `run` in one call, like a database's group commit: idle,
 * an item goes out alone at once; under load, batches grow by themselves. Each caller's promise
 * settles with its own outcome: when a batch of several fails, its items are retried one by one,
 * so one bad item fails alone instead of taking its neighbours with it.
 */
export class MicroBatcher<T> {
  private pending: Array<{ item: T; settle: Settle }> = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly run: (items: T[]) => Promise<void>,
    private readonly options: MicroBatcherOptions,
  ) {}

  add(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ item, settle: { resolve, reject } });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.options.maxInFlight) return;
    this.scheduled = true;
    // setImmediate (not a microtask): lets every job that arrived in this I/O phase join.
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    while (this.pending.length > 0 && this.inFlight < this.options.maxInFlight) {
      const batch = this.pending.splice(0, this.options.maxBatch);
      this.inFlight++;
      void this.runBatch(batch).finally(() => {
        this.inFlight--;
        if (this.pending.length > 0) this.schedule();
      });
    }
  }

  private async runBatch(batch: Array<{ item: T; settle: Settle }>): Promise<void> {
    try {
      await this.run(batch.map((b) => b.item));
      for (const b of batch) b.settle.resolve();
      return;
    } catch (error) {
      if (batch.length === 1) {
        batch[0]?.settle.reject(error);
        return;
      }
    }
    for (const b of batch) {
      try {
        await this.run([b.item]);
        b.settle.resolve();
      } catch (error) {
        b.settle.reject(error);
      }
    }
  }
}

interface Settle {
  resolve: () => void;
  reject: (error: unknown) => void;
}
