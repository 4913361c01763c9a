/**
 * Group commit: items submitted while a write is in flight are written together by the next
 * write, so many concurrent callers share few transactions instead of queueing one each. A
 * caller's promise settles when the write holding its item commits (or fails). Writes never
 * overlap, which keeps the order of items the order they were submitted in.
 */

interface Pending<T> {
  item: T;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export class GroupCommit<T> {
  private queue: Pending<T>[] = [];
  private running = false;
  private idle: Promise<void> = Promise.resolve();
  private wake: (() => void) | undefined;

  /** `write` persists a batch (at most `maxBatch` items) durably before it resolves. */
  constructor(
    private readonly write: (batch: T[]) => Promise<void>,
    private readonly maxBatch = 500,
  ) {}

  submit(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.running) this.start();
    });
  }

  /** Resolves when everything submitted so far has been written (or has failed). */
  flush(): Promise<void> {
    return this.idle;
  }

  private start(): void {
    this.running = true;
    this.idle = new Promise<void>((resolve) => (this.wake = resolve));
    // Wait for the I/O already done to be handled first: requests finishing together (on PGlite,
    // reads served one after the other) then join one batch instead of one transaction each.
    // Measured on PGlite, 16 concurrent reads: batches of 1 without it, 92% of unaudited
    // throughput with it.
    setImmediate(() => void this.drain());
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      try {
        await this.write(batch.map((p) => p.item));
        for (const p of batch) p.resolve();
      } catch (err) {
        for (const p of batch) p.reject(err);
      }
    }
    this.running = false;
    this.wake?.();
  }
}
