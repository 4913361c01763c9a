/**
 * The seeder's worker thread: generates patients, stamps, serialises and indexes them, and posts
 * each batch as the insert statement's parameters (see `insertParamLiterals`). The main thread is
 * left with the database work, so on a two-core machine generation and indexing run beside it.
 *
 * It does exactly what the transaction-bundle code does for the generator's bundles (PUTs of new
 * resources, with relative references), and says `unsupported` for anything else, so the seeder
 * falls back to that code. The one thing it cannot know is the commit time: it stamps
 * `STAMP_SENTINEL` as meta.lastUpdated, and the main thread puts the real time in its place just
 * before the write (see prepared-batches.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Bundle } from '@medplum/fhirtypes';
import { loadDefinitions, SearchParamRegistry } from '@continuum/fhir';
import { createIndexer } from '../store/indexer.ts';
import { prepareWrite } from '../store/prepare.ts';
import type { PreparedWrite } from '../store/types.ts';
import { insertParamLiterals } from '../store/writer.ts';
import { holdsSentinel, STAMP_SENTINEL, type PrepareJob, type WorkerMessage } from './prepared-batches.ts';
import type { PopulationSource } from './seeder.ts';

const job = workerData as PrepareJob;
const port = parentPort!;
let credits = job.credits;
let wake: (() => void) | undefined;
port.on('message', (m: { type: 'credit' }) => {
  if (m.type === 'credit') {
    credits++;
    wake?.();
  }
});

const post = (m: WorkerMessage): void => port.postMessage(m);
const TARGET = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})$/;
/** A reference the transaction code would rewrite (urn:uuid, conditional) or that holds a sentinel. */
const NOT_PLAIN = /"reference":"(?:urn:|[^"]*\?)/;

class Unsupported extends Error {}

function prepareEntries(bundle: Bundle, seen: Set<string>, indexer: ReturnType<typeof createIndexer>): PreparedWrite[] {
  if (bundle.type !== 'transaction') throw new Unsupported(`a ${String(bundle.type)} bundle`);
  const out: PreparedWrite[] = [];
  for (const entry of bundle.entry ?? []) {
    const m = entry.request?.method === 'PUT' && !entry.request.ifMatch && !entry.request.ifNoneExist ? TARGET.exec(entry.request.url ?? '') : null;
    const resource = entry.resource;
    if (!m || !resource || resource.resourceType !== m[1] || resource.id !== m[2]) throw new Unsupported('an entry that is not a plain PUT');
    const key = `${m[1]}/${m[2]}`;
    if (seen.has(key)) throw new Unsupported(`${key} twice in one batch`);
    seen.add(key);
    const { write } = prepareWrite(indexer, resource, { id: m[2]!, previousVersion: 0, lastUpdated: STAMP_SENTINEL, method: 'create' });
    const content = write.content!;
    if (NOT_PLAIN.test(content)) throw new Unsupported('a reference the transaction code would rewrite');
    // The sentinel must appear only where the stamp put it: meta.lastUpdated and its index row.
    if (holdsSentinel(content)) throw new Unsupported('content holding the sentinel');
    out.push(write);
  }
  return out;
}

async function run(): Promise<void> {
  loadDefinitions();
  const mod = (await import(job.module)) as Record<string, PopulationSource>;
  const population = mod[job.exportName];
  if (!population) throw new Error(`${job.module} has no export '${job.exportName}'`);
  const indexer = createIndexer(SearchParamRegistry.r4());
  let writes: PreparedWrite[] = [];
  let seen = new Set<string>();
  let from = job.from;
  let next = job.from;
  const flush = async (): Promise<void> => {
    while (credits <= 0) await new Promise<void>((resolve) => (wake = resolve));
    credits--;
    post({ type: 'batch', from, next, resources: writes.length, literals: insertParamLiterals(job.tenant, writes) });
    writes = [];
    seen = new Set();
    from = next;
  };
  try {
    for (const bundle of population.patientBundles(job.population, job.from, job.stop)) {
      writes.push(...prepareEntries(bundle, seen, indexer));
      next++;
      if (writes.length >= job.batchResources) await flush();
    }
    if (next > from) await flush();
    post({ type: 'done' });
  } catch (err) {
    if (err instanceof Unsupported) post({ type: 'unsupported', from, reason: err.message });
    else throw err;
  }
}

run().catch((err: unknown) => post({ type: 'error', message: err instanceof Error ? err.message : String(err) }));
