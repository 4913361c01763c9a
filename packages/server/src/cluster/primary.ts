/**
 * The cluster primary of `continuum start --workers N`: forks N workers with node:cluster (each
 * re-runs the CLI and serves the same port, the primary handing out connections round-robin),
 * restarts a worker that dies, and on SIGTERM/SIGINT asks every worker to stop and exits when
 * they have. It opens no database and serves no request itself. If a worker dies before any has
 * started listening, the configuration is broken (bad DATABASE_URL, failed migration): the
 * primary stops instead of restarting it forever.
 */
import cluster, { type Worker } from 'node:cluster';
import type { Config } from '../config.ts';
import { workerPoolSize } from './workers.ts';

export interface ClusterOptions {
  workers: number;
  /** Environment added to each worker's (PORT, CONTINUUM_DB_POOL). */
  env: Record<string, string>;
  log: (line: string) => void;
  /** Called once every worker listens, with the address of the first. */
  onListening?: (address: string) => void;
}

const STOP_GRACE_MS = 15_000;
const MAX_BACKOFF_MS = 10_000;

/** Runs until a signal stops the cluster; resolves with the exit code the process should use. */
export function superviseWorkers(o: ClusterOptions): Promise<number> {
  let stopping = false;
  let everListening = false;
  let failures = 0;
  const listening = new Set<number>();

  return new Promise<number>((resolve) => {
    const fork = (): Worker => cluster.fork(o.env);

    const stop = (code: number): void => {
      if (stopping) return;
      stopping = true;
      const alive = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined && !w.isDead());
      if (alive.length === 0) return resolve(code);
      const timer = setTimeout(() => alive.forEach((w) => w.process.kill('SIGKILL')), STOP_GRACE_MS);
      let left = alive.length;
      for (const w of alive) {
        w.once('exit', () => {
          if (--left === 0) {
            clearTimeout(timer);
            resolve(code);
          }
        });
        w.process.kill('SIGTERM');
      }
    };

    cluster.on('listening', (worker, address) => {
      listening.add(worker.id);
      failures = 0;
      if (!everListening && listening.size === o.workers) {
        everListening = true;
        const host = address.address === null || address.address === '0.0.0.0' || address.address === '::' ? '127.0.0.1' : address.address;
        o.onListening?.(`http://${host}:${address.port}`);
      }
    });

    cluster.on('exit', (worker, code, signal) => {
      listening.delete(worker.id);
      if (stopping) return;
      if (!everListening) {
        o.log(`worker ${worker.process.pid ?? '?'} exited (${signal ?? code}) before the cluster started; stopping`);
        return stop(1);
      }
      // Back off on a crash loop; check `stopping` again, since a terminal's Ctrl-C reaches the
      // workers and the primary at once and the workers' exits may be seen first.
      const delay = Math.min(MAX_BACKOFF_MS, 250 * 2 ** failures++);
      o.log(`worker ${worker.process.pid ?? '?'} exited (${signal ?? code}); restarting in ${delay} ms`);
      setTimeout(() => void (stopping || fork()), delay);
    });

    process.once('SIGINT', () => stop(0));
    process.once('SIGTERM', () => stop(0));
    for (let i = 0; i < o.workers; i++) fork();
  });
}

/** `start --workers N` in the primary: supervises the workers, then exits the process. */
export async function runCluster(workers: number, config: Config): Promise<void> {
  const pool = workerPoolSize(config.poolSize, workers);
  // The workers must share one set of signing and cookie keys (a login started on one worker
  // finishes on another): make sure the key file exists before any of them starts.
  if (config.auth && !config.jwksJson && !config.jwksFile) {
    const { loadKeys } = await import('../auth/keys.ts');
    await loadKeys({ dataDir: config.dataDir });
  }
  // Likewise the data keys: every worker must seal and open stored secrets with the same key.
  if (config.auth && !config.dataKeys && !config.dataKeyFile) {
    const { loadDataKeys } = await import('../secrets/data-keys.ts');
    loadDataKeys({ dataDir: config.dataDir });
  }
  const code = await superviseWorkers({
    workers,
    env: { PORT: String(config.port), CONTINUUM_DB_POOL: String(pool) },
    log: (line) => process.stderr.write(`continuum: ${line}\n`),
    onListening: (url) =>
      process.stdout.write(
        `Continuum is listening on ${url} (PostgreSQL; ${workers} workers, ${pool} connections each)\n  FHIR R4: ${url}/fhir  (CapabilityStatement: ${url}/fhir/metadata)\n`,
      ),
  });
  process.exit(code);
}
