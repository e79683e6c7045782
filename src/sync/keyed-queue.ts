/**
 * Runs tasks of one key one after another, tasks of different keys side by side. Sync uses it
 * per user in each process: a user's writes serialise on their head row anyway, and queueing
 * them here first keeps a burst from one user from holding many pooled connections while they
 * wait on that row lock (which would starve everyone else's requests).
 */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      // The last task of the key cleans up; a later one has replaced the tail.
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Keys with a task running or waiting (for tests). */
  get size(): number {
    return this.tails.size;
  }
}
