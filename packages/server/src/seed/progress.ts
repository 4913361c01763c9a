/**
 * How a seeding run shows its progress: a redrawn bar with rates and ETA on a terminal, a plain
 * line every few seconds otherwise (logs, CI), and a one-line summary at the end. Only counts and
 * timings are printed, never resource content.
 */

export interface SeedSummary {
  /** Patients and resources written by this call (not earlier, interrupted calls). */
  patients: number;
  resources: number;
  seconds: number;
  /** The index the run will resume from; equals `total` when the population is complete. */
  nextIndex: number;
  total: number;
  complete: boolean;
  /** Of `patients`, how many the worker thread prepared and the fast write stored (see seeder.ts). */
  preparedOffThread?: number;
}

export interface SeedProgress {
  begin(info: { total: number; from: number; to: number }): void;
  advance(done: { patients: number; resources: number }): void;
  end(summary: SeedSummary): void;
}

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface ProgressOptions {
  /** Seconds between plain lines when the stream is not a terminal (default 5). */
  every?: number;
  clock?: () => number;
  /** Print the summary line at the end (default true). */
  summary?: boolean;
}

const int = (n: number): string => Math.round(n).toLocaleString('en-US');

export function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)}s`;
  const m = Math.floor(seconds / 60);
  return m < 60 ? `${m}m${String(Math.round(seconds % 60)).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

export function summaryLine(s: SeedSummary): string {
  if (s.resources === 0 && s.complete) return `nothing to seed: the population is complete (${int(s.total)} patients)`;
  const rate = s.seconds > 0 ? `${int(s.resources / s.seconds)} resources/s, ${(s.patients / s.seconds).toFixed(1)} patients/s` : '';
  const state = s.complete ? `population complete (${int(s.total)} patients)` : `stopped at patient ${int(s.nextIndex)} of ${int(s.total)}; run the same command again to resume`;
  return `seeded ${int(s.patients)} patients, ${int(s.resources)} resources in ${s.seconds.toFixed(1)}s${rate ? ` (${rate})` : ''}; ${state}`;
}

export function progressReporter(stream: ProgressStream, opts: ProgressOptions = {}): SeedProgress {
  const clock = opts.clock ?? (() => performance.now() / 1000);
  const tty = stream.isTTY === true;
  const every = opts.every ?? 5;
  let start = 0;
  let from = 0;
  let to = 0;
  let lastDraw = -Infinity;

  const status = (patients: number, resources: number): string => {
    const elapsed = Math.max(clock() - start, 1e-6);
    const pps = patients / elapsed;
    const eta = pps > 0 ? (to - from - patients) / pps : Infinity;
    const done = from + patients;
    return `${int(done)}/${int(to)} patients  ${pps.toFixed(1)} patients/s  ${int(resources / elapsed)} resources/s  ETA ${duration(eta)}`;
  };

  return {
    begin(info) {
      start = clock();
      ({ from, to } = info);
      if (from > 0 && from < to) stream.write(`resuming at patient ${int(from)}\n`);
    },
    advance({ patients, resources }) {
      const now = clock();
      if (tty) {
        if (now - lastDraw < 0.1) return;
        const width = 24;
        const filled = Math.round((width * (from + patients)) / Math.max(to, 1));
        stream.write(`\r\x1b[2K[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${status(patients, resources)}`);
      } else {
        if (now - lastDraw < every) return;
        stream.write(`seed: ${status(patients, resources)}\n`);
      }
      lastDraw = now;
    },
    end(summary) {
      if (tty && lastDraw > -Infinity) stream.write('\r\x1b[2K');
      if (opts.summary !== false) stream.write(summaryLine(summary) + '\n');
    },
  };
}

/** A reporter that prints nothing (tests, and callers that print their own summary). */
export const silentProgress: SeedProgress = { begin: () => undefined, advance: () => undefined, end: () => undefined };
