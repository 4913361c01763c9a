/**
 * Which orders a result answers. A DiagnosticReport names its orders in `basedOn` (references to
 * ServiceRequests, or identifier-only references carrying the placer order number); failing that,
 * its Observations' `basedOn`; failing that, its own `identifier` of type PLAC (HL7 v2 table 0203),
 * the placer order number the lab copied from the order. A placer number matches the
 * ServiceRequest with the same identifier, and only for the same patient: a result is never
 * attached to another patient's order. Reads through the write's transaction; the batch being
 * written (the report's Observations posted with it) is consulted first.
 */
import type { DiagnosticReport, Identifier, Observation, Reference, Resource, ServiceRequest } from '@medplum/fhirtypes';
import type { Repository } from '../store/repository.ts';
import { V2_ID_TYPE } from './codes.ts';

export interface Match {
  orders: ServiceRequest[];
  /** How the orders were found: the report's own `basedOn` references, or a placer number / its Observations. */
  via: 'basedOn' | 'observations' | 'placer';
}

type Batch = ReadonlyMap<string, Resource> | undefined;

async function readRef<T extends Resource>(ref: string | undefined, type: T['resourceType'], batch: Batch, repo: Repository, contained: Resource[] = []): Promise<T | undefined> {
  if (!ref) return undefined;
  if (ref.startsWith('#')) return contained.find((c) => c.id === ref.slice(1) && c.resourceType === type) as T | undefined;
  const [t, id] = ref.split('/');
  if (t !== type || !id) return undefined;
  const inBatch = batch?.get(ref);
  if (inBatch) return inBatch as T;
  try {
    return (await repo.read(type, id)) as T;
  } catch {
    return undefined;
  }
}

/** The report's Observations, from the batch, its contained resources or the store. */
export async function resultsOf(report: DiagnosticReport, batch: Batch, repo: Repository): Promise<Observation[]> {
  const out: Observation[] = [];
  for (const r of report.result ?? []) {
    const o = await readRef<Observation>(r.reference, 'Observation', batch, repo, report.contained);
    if (o) out.push(o);
  }
  return out;
}

const isPlacer = (i: Identifier): boolean => Boolean(i.value && i.type?.coding?.some((c) => c.system === V2_ID_TYPE && c.code === 'PLAC'));

async function byPlacer(identifiers: Identifier[], subject: string | undefined, repo: Repository): Promise<ServiceRequest[]> {
  const out: ServiceRequest[] = [];
  for (const i of identifiers.filter(isPlacer)) {
    const token = i.system ? `${encodeURIComponent(i.system)}|${encodeURIComponent(i.value!)}` : encodeURIComponent(i.value!);
    const page = await repo.search(repo.parseCriteria('ServiceRequest', `identifier=${token}`), { count: 5 });
    for (const m of page.matches) {
      const order = JSON.parse(m.content) as ServiceRequest;
      if (!subject || order.subject?.reference === subject) out.push(order);
    }
  }
  return out;
}

async function referenced(refs: Reference[], batch: Batch, repo: Repository): Promise<ServiceRequest[]> {
  const out: ServiceRequest[] = [];
  for (const r of refs) {
    const order = await readRef<ServiceRequest>(r.reference, 'ServiceRequest', batch, repo);
    if (order) out.push(order);
  }
  return out;
}

const unique = (orders: ServiceRequest[]): ServiceRequest[] => [...new Map(orders.map((o) => [o.id, o])).values()];

/** The orders `report` answers; none when it names none (or none that exist for its patient). */
export async function matchOrders(report: DiagnosticReport, observations: Observation[], batch: Batch, repo: Repository): Promise<Match> {
  const subject = report.subject?.reference;
  const sameSubject = (o: ServiceRequest) => !subject || o.subject?.reference === subject;
  const direct = (await referenced(report.basedOn ?? [], batch, repo)).filter(sameSubject);
  if (direct.length > 0) return { orders: unique(direct), via: 'basedOn' };
  const fromResults = (await referenced(observations.flatMap((o) => o.basedOn ?? []), batch, repo)).filter(sameSubject);
  if (fromResults.length > 0) return { orders: unique(fromResults), via: 'observations' };
  const placers = [...(report.identifier ?? []), ...(report.basedOn ?? []).flatMap((r) => (r.identifier ? [r.identifier] : []))];
  return { orders: unique(await byPlacer(placers, subject, repo)), via: 'placer' };
}
