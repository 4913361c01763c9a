/**
 * The main thread's side of the seeder's worker (prepare-worker.ts): starts it, hands out its
 * batches in order while letting it run at most a couple of batches ahead, and stamps each batch
 * with the commit time just before it is written.
 */
import { Worker } from 'node:worker_threads';
import type { PopulationOptions } from '@continuum/synth';

/**
 * What the worker writes as meta.lastUpdated (and so as `_lastUpdated` and last_updated): an
 * instant no generated resource holds (the worker checks), replaced by the commit time.
 */
export const STAMP_SENTINEL = '1111-11-11T11:11:11.111Z';

/** Where the population comes from in the worker: a module and the name of its PopulationSource. */
export interface OffThreadSource {
  module: string;
  exportName: string;
}

export interface PrepareJob extends OffThreadSource {
  tenant: string;
  population: PopulationOptions;
  from: number;
  stop: number;
  batchResources: number;
  /** How many batches the worker may prepare before the main thread takes one. */
  credits: number;
}

export interface PreparedBatch {
  type: 'batch';
  /** Patients from..next-1. */
  from: number;
  next: number;
  resources: number;
  /** The insert statement's parameters, lastUpdated still the sentinel. */
  literals: string[];
}

export type WorkerMessage =
  | PreparedBatch
  | { type: 'done' }
  /** The worker met something only the transaction code handles; patients from `from` on are not prepared. */
  | { type: 'unsupported'; from: number; reason: string }
  | { type: 'error'; message: string };

export class PreparedBatches {
  readonly #worker: Worker;
  readonly #queue: WorkerMessage[] = [];
  #waiting: ((m: WorkerMessage) => void) | undefined;
  #ended = false;

  constructor(job: Omit<PrepareJob, 'credits'>) {
    this.#worker = new Worker(new URL('./prepare-worker.mjs', import.meta.url), { workerData: { ...job, credits: 2 } });
    this.#worker.on('message', (m: WorkerMessage) => this.#push(m));
    this.#worker.on('error', (err) => this.#push({ type: 'error', message: err.message }));
    this.#worker.on('exit', (code) => {
      if (!this.#ended) this.#push({ type: 'error', message: `the seeding worker exited (${code})` });
    });
  }

  #push(m: WorkerMessage): void {
    if (m.type !== 'batch') this.#ended = true;
    if (this.#waiting) {
      const w = this.#waiting;
      this.#waiting = undefined;
      w(m);
    } else this.#queue.push(m);
  }

  /** The next message, in order; a batch taken lets the worker prepare one more. */
  async next(): Promise<WorkerMessage> {
    const m = this.#queue.shift() ?? (await new Promise<WorkerMessage>((resolve) => (this.#waiting = resolve)));
    if (m.type === 'batch') this.#worker.postMessage({ type: 'credit' });
    return m;
  }

  async close(): Promise<void> {
    this.#ended = true;
    await this.#worker.terminate();
  }
}

/**
 * The batch's parameters with the commit time in place of the sentinel: in the content's
 * meta.lastUpdated and the last_updated column (no index row holds it; `_lastUpdated` is answered
 * from that column).
 */
export function stampBatch(batch: PreparedBatch, lastUpdated: string): string[] {
  return batch.literals.map((p) => (p.includes(STAMP_SENTINEL) ? p.replaceAll(STAMP_SENTINEL, lastUpdated) : p));
}

/** True when `content` holds the sentinel anywhere but its one stamped place (the worker refuses those). */
export function holdsSentinel(content: string): boolean {
  return content.split(STAMP_SENTINEL).length !== 2;
}
