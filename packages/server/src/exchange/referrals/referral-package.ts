/**
 * The referring side's resources: the ServiceRequest and Task of a new referral, and the
 * transition-of-care package that travels with it (a `collection` Bundle of the Task, the
 * ServiceRequest, the Patient, the requesting Practitioner and the patient summary, an IPS
 * document Bundle made by the portal's summary builder). `deliverReferral` sends the package to
 * the partner (the only remote call) and records on the Task whether it arrived.
 */
import { randomUUID } from 'node:crypto';
import type { Bundle, CodeableConcept, Coding, Resource, ServiceRequest, Task } from '@medplum/fhirtypes';
import type { Repository } from '../../store/repository.ts';
import { buildSummary } from '../../portal/record/summary-bundle.ts';
import type { CanSee } from '../../portal/record/record-reader.ts';
import { REFERRAL_ID_SYSTEM, REFERRAL_TASK_CODE } from '../codes.ts';
import { recordDisclosure } from '../consent/disclosures.ts';
import { ExchangeError, type ExchangeClient, type Partner } from '../types.ts';
import { NOT_DELIVERED, REFERRAL_CATEGORY } from './referral-codes.ts';

export type Priority = 'routine' | 'urgent' | 'asap' | 'stat';
export const PRIORITIES: readonly Priority[] = ['routine', 'urgent', 'asap', 'stat'];

export interface NewReferral {
  patientId: string;
  partner: { organizationId: string; name: string };
  requester: { reference: string; display?: string };
  reason: string;
  reasonCode?: Coding;
  specialty?: Coding;
  priority: Priority;
  note?: string;
  now: Date;
}

/** A businessStatus as a coded concept with its text. */
export function businessStatus(code: string): CodeableConcept {
  return { coding: [{ system: REFERRAL_TASK_CODE.system, code }], text: code };
}

export function businessStatusOf(task: Task): string | undefined {
  return task.businessStatus?.coding?.[0]?.code ?? task.businessStatus?.text;
}

export function referralIdOf(task: Task): string | undefined {
  return task.identifier?.find((i) => i.system === REFERRAL_ID_SYSTEM)?.value;
}

export function isReferral(task: Task): boolean {
  return task.code?.coding?.some((c) => c.system === REFERRAL_TASK_CODE.system && c.code === REFERRAL_TASK_CODE.code) === true;
}

/** Creates the ServiceRequest and the Task of a referral, in one transaction. */
export async function createReferral(repo: Repository, r: NewReferral): Promise<{ task: Task; serviceRequest: ServiceRequest }> {
  const referralId = randomUUID();
  const identifier = [{ system: REFERRAL_ID_SYSTEM, value: referralId }];
  const performer = { reference: `Organization/${r.partner.organizationId}`, display: r.partner.name };
  const notes = r.note ? [{ text: r.note, time: r.now.toISOString() }] : undefined;
  return repo.inTransaction(async (tx) => {
    const sr: ServiceRequest = {
      resourceType: 'ServiceRequest',
      identifier,
      status: 'active',
      intent: 'order',
      category: [{ coding: [REFERRAL_CATEGORY], text: REFERRAL_CATEGORY.display }],
      priority: r.priority,
      code: r.specialty ? { coding: [r.specialty], text: r.specialty.display ?? r.specialty.code } : { coding: [REFERRAL_CATEGORY], text: 'Referral' },
      subject: { reference: `Patient/${r.patientId}` },
      authoredOn: r.now.toISOString(),
      requester: r.requester,
      performer: [performer],
      reasonCode: [{ ...(r.reasonCode ? { coding: [r.reasonCode] } : {}), text: r.reason }],
      ...(notes ? { note: notes } : {}),
    };
    const serviceRequest = (await tx.create(sr)).resource as ServiceRequest;
    const t: Task = {
      resourceType: 'Task',
      identifier,
      status: 'requested',
      intent: 'order',
      priority: r.priority,
      code: { coding: [REFERRAL_TASK_CODE], text: REFERRAL_TASK_CODE.display },
      description: `Referral to ${r.partner.name}`,
      focus: { reference: `ServiceRequest/${serviceRequest.id!}` },
      for: { reference: `Patient/${r.patientId}` },
      authoredOn: r.now.toISOString(),
      lastModified: r.now.toISOString(),
      requester: r.requester,
      owner: performer,
      reasonCode: { text: r.reason },
      ...(notes ? { note: notes } : {}),
    };
    const task = (await tx.create(t)).resource as Task;
    return { task, serviceRequest };
  });
}

/** The package sent to the partner: Task, ServiceRequest, Patient, requester and the patient summary. */
export async function referralPackage(repo: Repository, baseUrl: string, task: Task, canSee: CanSee, now: Date): Promise<Bundle> {
  const srId = task.focus?.reference?.split('/')[1];
  const patientId = task.for?.reference?.split('/')[1];
  if (!srId || !patientId) throw new Error('a referral Task names its ServiceRequest and its patient');
  const serviceRequest = await repo.read('ServiceRequest', srId);
  const { bundle: summary } = await buildSummary({ repo, baseUrl, patientId, canSee, now });
  const patient = summary.entry?.find((e) => e.resource?.resourceType === 'Patient')?.resource ?? (await repo.read('Patient', patientId));
  const requesterRef = task.requester?.reference;
  const requester = requesterRef?.startsWith('Practitioner/') ? await repo.read('Practitioner', requesterRef.split('/')[1]!).catch(() => undefined) : undefined;
  const entries: Resource[] = [task, serviceRequest, patient, ...(requester ? [requester] : []), summary];
  return {
    resourceType: 'Bundle',
    type: 'collection',
    timestamp: now.toISOString(),
    entry: entries.map((resource) => ({ ...(resource.id ? { fullUrl: `${baseUrl}/${resource.resourceType}/${resource.id}` } : {}), resource })),
  };
}

export interface DeliveryDeps {
  repo: Repository;
  /** This deployment's FHIR base (the package's fullUrls). */
  baseUrl: string;
  client: ExchangeClient;
  /** What of the record may go (the sender's access and the patient's consent). */
  canSee: CanSee;
  onBehalfOf?: { fhirUser?: string; display?: string };
  now?: Date;
}

export interface Delivery {
  delivered: boolean;
  /** The partner's Task id, when delivered. */
  remoteTask?: string;
  /** How many resources went out (the summary's entries and the four referral resources). */
  resources: number;
  /** Why it failed, without PHI. */
  failure?: string;
}

/**
 * Sends a referral's package to the partner and records the outcome on the Task (businessStatus
 * `not-delivered` after a failure, none once delivered) and, when delivered, as a disclosure.
 */
export async function deliverReferral(deps: DeliveryDeps, partner: Partner, taskId: string): Promise<Delivery> {
  const now = deps.now ?? new Date();
  const task = (await deps.repo.read('Task', taskId)) as Task;
  const pkg = await referralPackage(deps.repo, deps.baseUrl, task, deps.canSee, now);
  const summary = pkg.entry?.at(-1)?.resource as Bundle;
  const resources = (pkg.entry?.length ?? 1) - 1 + (summary.entry?.length ?? 0);
  let outcome: Delivery;
  try {
    const res = await deps.client.call(partner, { method: 'POST', path: '/Task/$referral-receive', body: pkg, purposeOfUse: 'TREAT', ...(deps.onBehalfOf ? { onBehalfOf: deps.onBehalfOf } : {}) });
    const remoteTask = (res.body as { parameter?: { name: string; valueString?: string }[] } | undefined)?.parameter?.find((p) => p.name === 'task')?.valueString;
    outcome = res.status === 200 || res.status === 201 ? { delivered: true, resources, ...(remoteTask ? { remoteTask } : {}) } : { delivered: false, resources: 0, failure: `the partner answered ${res.status}` };
  } catch (err) {
    if (!(err instanceof ExchangeError)) throw err;
    outcome = { delivered: false, resources: 0, failure: `the partner could not be reached: ${err.message}` };
  }
  const current = businessStatusOf(task);
  const wanted = outcome.delivered ? undefined : NOT_DELIVERED;
  if (current !== wanted) {
    await deps.repo.patch('Task', taskId, (r) => {
      const t = r as Task;
      const { businessStatus: _old, ...rest } = t;
      return { ...rest, lastModified: now.toISOString(), ...(wanted ? { businessStatus: businessStatus(wanted) } : {}) };
    });
  }
  if (outcome.delivered) {
    const patient = task.for!.reference!.split('/')[1]!;
    await recordDisclosure(deps.repo, { patient, organizationId: partner.organizationId, organizationName: partner.name, purpose: 'TREAT', kind: 'referral', resources, outcome: 'disclosed', at: now });
  }
  return outcome;
}
