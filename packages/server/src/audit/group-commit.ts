/**
 * Group commit over lanes: items submitted while writes are in flight are written together by a
 * later write, so many concurrent callers share few transactions instead of queueing one each.
 * Each lane writes one batch at a time; different lanes write at the same time, so a caller
 * never waits for another batch's commit when a lane is free. A caller's promise settles when the
 * write holding its item commits (or fails). Within a lane, items keep the order they were
 * submitted in.
 */

interface Pending<T> {
  item: T;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export class GroupCommit<T> {
  private queue: Pending<T>[] = [];
  /** Lanes not writing and not about to. */
  private readonly free: number[];
  private busy = 0;
  private idle: Promise<void> = Promise.resolve();
  private wake: (() => void) | undefined;
  private scheduled = false;

  /**
   * `write` persists a batch (at most `maxBatch` items) on a lane durably before it resolves;
   * `lanes` are the lanes this instance writes to (one lane: a single serial writer).
   */
  constructor(
    private readonly write: (batch: T[], lane: number) => Promise<void>,
    private readonly maxBatch = 500,
    lanes: readonly number[] = [0],
  ) {
    if (lanes.length === 0) throw new Error('GroupCommit needs at least one lane');
    this.free = [...lanes];
  }

  submit(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /** Resolves when everything submitted so far has been written (or has failed). */
  flush(): Promise<void> {
    return this.idle;
  }

  private schedule(): void {
    if (this.scheduled || this.free.length === 0) return;
    this.scheduled = true;
    if (this.busy === 0) this.idle = new Promise<void>((resolve) => (this.wake = resolve));
    // Wait for the I/O already done to be handled first: requests finishing together (on PGlite,
    // reads served one after the other) then join one batch instead of one transaction each.
    // Measured on PGlite, 16 concurrent reads: batches of 1 without it, 92% of unaudited
    // throughput with it.
    setImmediate(() => {
      this.scheduled = false;
      this.startLanes();
    });
  }

  /** Hands the queue to free lanes, a batch each. */
  private startLanes(): void {
    while (this.queue.length > 0 && this.free.length > 0) {
      const lane = this.free.shift()!;
      // Split what waits evenly over the lanes free now rather than giving it all to the first.
      const share = Math.min(this.maxBatch, Math.ceil(this.queue.length / (this.free.length + 1)));
      this.busy += 1;
      void this.drain(lane, this.queue.splice(0, share));
    }
    if (this.busy === 0) this.wake?.();
  }

  private async drain(lane: number, batch: Pending<T>[]): Promise<void> {
    try {
      await this.write(batch.map((p) => p.item), lane);
      for (const p of batch) p.resolve();
    } catch (err) {
      for (const p of batch) p.reject(err);
    }
    this.busy -= 1;
    this.free.push(lane);
    if (this.queue.length > 0) {
      // What arrived during this write goes out at once: it has waited a commit already.
      this.startLanes();
    } else if (this.busy === 0) {
      this.wake?.();
    }
  }
}
