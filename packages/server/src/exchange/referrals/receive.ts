/**
 * `POST Task/$referral-receive` (partner deployments only): the receiving side of a referral. The
 * body is the referring side's package (referral-package.ts). In one transaction it places the
 * patient (placement.ts: known from an earlier referral, a certain match, or a new Patient marked
 * external), stores copies of the ServiceRequest and Task (same referral identifier, marked
 * external with their source, owned by this organization), keeps the whole package as a
 * DocumentReference (LOINC 57133-1, the Bundle as application/fhir+json) and records a Provenance
 * naming the partner. A referral already received (a resend) is answered with what was stored the
 * first time. Answers 201 (200 for a resend) Parameters {task (this side's Task id), patient}.
 * Whether the patient agreed to the sharing is the sender's business, checked before sending.
 */
import type { Bundle, DocumentReference, Patient, Practitioner, Provenance, Reference, Resource, ServiceRequest, Task } from '@medplum/fhirtypes';
import { badRequest } from '@continuum/fhir';
import type { ApiContext, FhirRequest, FhirResponse } from '../../api/types.ts';
import type { Repository } from '../../store/repository.ts';
import { EXTERNAL_TAG, REFERRAL_ID_SYSTEM } from '../codes.ts';
import { partnerOf } from './callers.ts';
import { parameters } from './parameters.ts';
import { externalPatient, findPlacedPatient, ownOrganization, sourceExtension, type Sender } from './placement.ts';
import { REFERRAL_NOTE_TYPE } from './referral-codes.ts';
import { isReferral, PRIORITIES, referralIdOf } from './referral-package.ts';

const OP = '$referral-receive';

export interface ReceivedPackage {
  referralId: string;
  task: Task;
  serviceRequest: ServiceRequest;
  patient: Patient;
  requester?: Practitioner;
  summary: Bundle;
  bundle: Bundle;
}

/** The parts of a package, or a 400 saying what is missing. */
export function readPackage(body: unknown): ReceivedPackage {
  const bundle = body as Bundle | undefined;
  if (typeof bundle !== 'object' || bundle === null || bundle.resourceType !== 'Bundle' || bundle.type !== 'collection') throw badRequest(`${OP} takes a collection Bundle (the referral package)`);
  const of = <T extends Resource>(type: T['resourceType']): T[] => (bundle.entry ?? []).map((e) => e?.resource).filter((r): r is T => r?.resourceType === type);
  const one = <T extends Resource>(type: T['resourceType'], pick: (r: T) => boolean = () => true): T => {
    const found = of<T>(type).filter(pick);
    if (found.length !== 1) throw badRequest(`${OP}: the package needs exactly one ${type}${found.length > 1 ? `, not ${found.length}` : ''}`);
    return found[0]!;
  };
  const task = one<Task>('Task');
  const referralId = referralIdOf(task);
  if (!isReferral(task) || !referralId) throw badRequest(`${OP}: the Task must be a referral with a ${REFERRAL_ID_SYSTEM} identifier`);
  if (referralId.length > 64) throw badRequest(`${OP}: the referral identifier is too long`);
  const serviceRequest = one<ServiceRequest>('ServiceRequest');
  const patient = one<Patient>('Patient');
  const summary = one<Bundle>('Bundle', (b) => b.type === 'document');
  const requester = of<Practitioner>('Practitioner')[0];
  return { referralId, task, serviceRequest, patient, summary, bundle, ...(requester ? { requester } : {}) };
}

/** A Reference from the other side: its display only (its target is not here). */
function displayOnly(ref: Reference | undefined, fallback?: string): Reference | undefined {
  const display = ref?.display ?? fallback;
  return display ? { display } : undefined;
}

async function existing(repo: Repository, referralId: string, sender: Sender): Promise<{ task: string; patient: string } | undefined> {
  const criteria = `identifier=${encodeURIComponent(`${REFERRAL_ID_SYSTEM}|${referralId}`)}`;
  const found = await repo.lockedMatches('Task', criteria, repo.parseCriteria('Task', criteria), 'referral');
  if (found.length === 0) return undefined;
  const task = JSON.parse(found[0]!.content) as Task;
  const source = task.extension?.find((e) => e.url === sourceExtension(sender).url)?.valueReference?.reference;
  if (source !== `Organization/${sender.organizationId}`) throw badRequest(`${OP}: this referral identifier is already in use`);
  return { task: task.id!, patient: task.for!.reference!.split('/')[1]! };
}

/** Stores a received referral (see the header); returns this side's Task and Patient ids. */
export async function applyReceivedReferral(repo: Repository, pkg: ReceivedPackage, sender: Sender, now: Date): Promise<{ task: string; patient: string; created: boolean }> {
  return repo.inTransaction(async (tx) => {
    const already = await existing(tx, pkg.referralId, sender);
    if (already) return { ...already, created: false };
    const meta = { tag: [EXTERNAL_TAG] };
    const extension = [sourceExtension(sender)];
    const identifier = [{ system: REFERRAL_ID_SYSTEM, value: pkg.referralId }];
    const own = await ownOrganization(tx);
    let patientId = await findPlacedPatient(tx, pkg.patient, sender);
    const createdPatient = patientId === undefined;
    if (!patientId) patientId = (await tx.create(externalPatient(pkg.patient, sender))).resource.id!;
    const subject: Reference<Patient> = { reference: `Patient/${patientId}` };
    const requesterName = pkg.requester?.name?.[0] ? [pkg.requester.name[0].given?.join(' '), pkg.requester.name[0].family].filter(Boolean).join(' ') : undefined;
    const a = pkg.serviceRequest;
    const priority = PRIORITIES.find((p) => p === a.priority);
    const sr: ServiceRequest = {
      resourceType: 'ServiceRequest',
      meta,
      extension,
      identifier,
      status: 'active',
      intent: 'order',
      ...(a.category ? { category: a.category } : {}),
      ...(priority ? { priority } : {}),
      ...(a.code ? { code: a.code } : {}),
      subject,
      ...(a.authoredOn ? { authoredOn: a.authoredOn } : {}),
      requester: (displayOnly(a.requester, requesterName) ?? { display: sender.name }) as ServiceRequest['requester'],
      ...(own ? { performer: [{ reference: own }] } : {}),
      ...(a.reasonCode ? { reasonCode: a.reasonCode } : {}),
      ...(a.note ? { note: a.note } : {}),
    };
    const serviceRequest = (await tx.create(sr)).resource;
    const data = Buffer.from(JSON.stringify(pkg.bundle)).toString('base64');
    const doc: DocumentReference = {
      resourceType: 'DocumentReference',
      meta,
      extension,
      identifier,
      status: 'current',
      type: { coding: [REFERRAL_NOTE_TYPE], text: REFERRAL_NOTE_TYPE.display },
      subject,
      date: now.toISOString(),
      author: [{ display: sender.name }],
      description: `Referral package from ${sender.name}`,
      content: [{ attachment: { contentType: 'application/fhir+json', data, title: 'Transition of care package', creation: pkg.bundle.timestamp ?? now.toISOString() } }],
    };
    const docRef = (await tx.create(doc)).resource;
    const t: Task = {
      resourceType: 'Task',
      meta,
      extension,
      identifier,
      status: 'requested',
      intent: 'order',
      ...(priority ? { priority } : {}),
      code: pkg.task.code!,
      description: `Referral from ${sender.name}`,
      focus: { reference: `ServiceRequest/${serviceRequest.id!}` },
      for: subject,
      authoredOn: pkg.task.authoredOn ?? now.toISOString(),
      lastModified: now.toISOString(),
      requester: { display: sender.name },
      ...(own ? { owner: { reference: own } } : {}),
      ...(pkg.task.reasonCode ? { reasonCode: pkg.task.reasonCode } : {}),
      ...(pkg.task.note ? { note: pkg.task.note } : {}),
      input: [{ type: { text: 'Transition of care package' }, valueReference: { reference: `DocumentReference/${docRef.id!}` } }],
    };
    const task = (await tx.create(t)).resource;
    const targets = [task, serviceRequest, docRef, ...(createdPatient ? [{ resourceType: 'Patient', id: patientId }] : [])];
    const provenance: Provenance = {
      resourceType: 'Provenance',
      target: targets.map((r) => ({ reference: `${r.resourceType}/${r.id!}` })),
      recorded: now.toISOString(),
      activity: { text: 'Referral received from a partner organization' },
      agent: [{ type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/provenance-participant-type', code: 'author' }] }, who: { reference: `Organization/${sender.organizationId}`, display: sender.name } }],
      entity: [{ role: 'source', what: { identifier: identifier[0], display: `Referral ${pkg.referralId} from ${sender.name}` } }],
    };
    await tx.create(provenance);
    return { task: task.id!, patient: patientId, created: true };
  });
}

export async function referralReceiveOperation(ctx: ApiContext, req: FhirRequest): Promise<FhirResponse> {
  const sender = partnerOf(ctx, req, OP);
  const pkg = readPackage(req.body);
  const out = await applyReceivedReferral(ctx.repo, pkg, sender, new Date());
  return {
    status: out.created ? 201 : 200,
    headers: {},
    body: parameters([
      { name: 'task', valueString: out.task },
      { name: 'patient', valueString: out.patient },
    ]),
  };
}
