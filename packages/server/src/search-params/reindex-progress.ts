/**
 * How `continuum reindex` shows a job's progress: a redrawn line on a terminal, a plain line every
 * few seconds otherwise, and a summary at the end. Only counts and timings, never content. The
 * rate counts this run's resources only, so a resumed job's ETA is not skewed by earlier runs.
 */
import { duration, type ProgressStream } from '../seed/progress.ts';
import type { ReindexJob } from './reindex-jobs.ts';

export interface ReindexProgress {
  begin(job: ReindexJob): void;
  advance(job: ReindexJob): void;
  end(job: ReindexJob): void;
}

const int = (n: number): string => Math.round(n).toLocaleString('en-US');

export function progressLine(job: ReindexJob, doneThisRun: number, seconds: number): string {
  const rate = seconds > 0 ? doneThisRun / seconds : 0;
  const total = job.total ?? job.done;
  const eta = rate > 0 ? Math.max(total - job.done, 0) / rate : Infinity;
  return `${int(job.done)}/${int(total)} resources  ${int(rate)} resources/s  ETA ${duration(eta)}`;
}

export function reindexProgress(stream: ProgressStream, opts: { every?: number; clock?: () => number } = {}): ReindexProgress {
  const clock = opts.clock ?? (() => performance.now() / 1000);
  const every = opts.every ?? 5;
  const tty = stream.isTTY === true;
  let start: number | undefined;
  let from = 0;
  let lastDraw = -Infinity;
  const begin = (job: ReindexJob): void => {
    start = clock();
    from = job.done;
    if (job.done > 0) stream.write(`resuming at ${int(job.done)} of ${int(job.total ?? job.done)} resources\n`);
  };
  return {
    begin,
    advance(job) {
      if (start === undefined) begin(job);
      const now = clock();
      const line = progressLine(job, job.done - from, now - start!);
      if (tty) {
        if (now - lastDraw < 0.1) return;
        stream.write(`\r\x1b[2Kreindex: ${line}`);
      } else {
        if (now - lastDraw < every) return;
        stream.write(`reindex: ${line}\n`);
      }
      lastDraw = now;
    },
    end(job) {
      if (tty && lastDraw > -Infinity) stream.write('\r\x1b[2K');
      const seconds = start === undefined ? 0 : clock() - start;
      const state = job.status === 'done' ? 'done' : job.status === 'failed' ? `failed: ${job.error ?? 'unknown error'}` : 'stopped';
      stream.write(`reindex ${state}: ${progressLine(job, job.done - from, seconds)} in ${seconds.toFixed(1)}s\n`);
    },
  };
}
