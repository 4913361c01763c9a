/**
 * The e-prescription companion (see store/companions.ts): when a MedicationRequest becomes an
 * active order with a pharmacy (`dispenseRequest.performer`), the same transaction stores its
 * NCPDP SCRIPT NewRx as a DocumentReference (LOINC 57833-6, `context.related` the order) and a
 * `requested` Task (code erx-send, owner the pharmacy, input the document) that the sender loop
 * picks up. An order without a pharmacy is printed or phoned in: no message; so is one whose
 * performer is not an e-prescribing pharmacy (an Organization with an NCPDP ID): any FHIR client
 * may name another kind of dispenser. A later update of an order that was already active adds
 * nothing. A message to a pharmacy that cannot be made (a prescriber without NPI, a missing
 * patient) fails the write with a 422, so an order addressed to an e-prescribing pharmacy never
 * exists without its message.
 */
import { randomUUID } from 'node:crypto';
import type { Condition, DocumentReference, MedicationRequest, Organization, Patient, Practitioner, Resource, Task } from '@medplum/fhirtypes';
import { isOutcomeError, unprocessable } from '@continuum/fhir';
import type { Companion, CompanionWrite } from '../store/companions.ts';
import type { Repository } from '../store/repository.ts';
import { ERX_SEND, ICD10CM, MESSAGE_ID_SYSTEM, NCPDP_ID_SYSTEM, PRESCRIPTION_DOC_TYPE } from './codes.ts';
import { identifierOf } from './newrx-parties.ts';
import type { Diagnosis } from './newrx-medication.ts';
import { renderNewRx } from './newrx.ts';

/** Whether this version of the order should carry a message: an active order with a pharmacy. */
export const wantsMessage = (mr: MedicationRequest): boolean =>
  mr.status === 'active' && mr.intent === 'order' && (mr.dispenseRequest?.performer?.reference ?? '').startsWith('Organization/');

async function referenced<T extends Resource>(repo: Repository, reference: string | undefined, type: T['resourceType'], field: string): Promise<T> {
  const [t, id, ...rest] = (reference ?? '').split('/');
  if (t !== type || !id || rest.length > 0) throw unprocessable(`${field} must reference a ${type} to send an e-prescription`, [`MedicationRequest.${field}`]);
  try {
    return (await repo.read(type, id)) as T;
  } catch (err) {
    if (isOutcomeError(err)) throw unprocessable(`${field} (${reference}) does not exist`, [`MedicationRequest.${field}`]);
    throw err;
  }
}

/** The performer, when it is a pharmacy that takes e-prescriptions (it has an NCPDP ID). */
async function eprescribingPharmacy(repo: Repository, reference: string): Promise<Organization | undefined> {
  const id = reference.slice('Organization/'.length);
  if (!id || id.includes('/')) return undefined;
  const org = (await repo.read('Organization', id).catch(() => undefined)) as Organization | undefined;
  return org && identifierOf(org.identifier, NCPDP_ID_SYSTEM) ? org : undefined;
}

/** The order's ICD-10-CM reason: coded on the order, or on the Condition it points at. */
async function diagnosisOf(repo: Repository, mr: MedicationRequest): Promise<Diagnosis | undefined> {
  const concepts = [...(mr.reasonCode ?? [])];
  for (const r of mr.reasonReference ?? []) {
    const [t, id] = (r.reference ?? '').split('/');
    if (t !== 'Condition' || !id) continue;
    const condition = (await repo.read('Condition', id).catch(() => undefined)) as Condition | undefined;
    if (condition?.code) concepts.push(condition.code);
  }
  for (const c of concepts) {
    const icd = c.coding?.find((x) => x.system === ICD10CM && x.code);
    if (icd) return { code: icd.code!, ...(icd.display ?? c.text ? { display: icd.display ?? c.text! } : {}) };
  }
  return undefined;
}

/** The companion writes for one MedicationRequest write. */
export const erxCompanion: Companion = async (trigger, repo) => {
  const mr = trigger.resource as MedicationRequest | null;
  if (!mr || !wantsMessage(mr)) return [];
  if (trigger.previousVersion > 0) {
    const before = await repo.vreadStored('MedicationRequest', trigger.id, String(trigger.previousVersion)).catch(() => undefined);
    if (before?.content && wantsMessage(JSON.parse(before.content) as MedicationRequest)) return [];
  }
  const pharmacy = await eprescribingPharmacy(repo, mr.dispenseRequest!.performer!.reference!);
  if (!pharmacy) return [];
  const patient = await referenced<Patient>(repo, mr.subject?.reference, 'Patient', 'subject');
  const prescriber = await referenced<Practitioner>(repo, mr.requester?.reference, 'Practitioner', 'requester');
  const diagnosis = await diagnosisOf(repo, mr);
  const now = mr.meta?.lastUpdated ?? new Date().toISOString();
  const messageId = randomUUID();
  const xml = renderNewRx({ messageId, sentTime: now, order: { ...mr, id: trigger.id }, patient, pharmacy, prescriber, ...(diagnosis ? { diagnosis } : {}) });
  const orderRef = { reference: `MedicationRequest/${trigger.id}` };
  const pharmacyRef = { reference: `Organization/${pharmacy.id}`, ...(pharmacy.name ? { display: pharmacy.name } : {}) };
  const doc: DocumentReference = {
    resourceType: 'DocumentReference',
    id: messageId,
    identifier: [{ system: MESSAGE_ID_SYSTEM, value: messageId }],
    status: 'current',
    docStatus: 'final',
    type: { coding: [{ ...PRESCRIPTION_DOC_TYPE }], text: 'E-prescription (NCPDP SCRIPT NewRx)' },
    subject: mr.subject,
    date: now,
    ...(mr.requester ? { author: [mr.requester] } : {}),
    description: 'NCPDP SCRIPT 2017071 NewRx',
    content: [{ attachment: { contentType: 'application/xml', data: Buffer.from(xml, 'utf8').toString('base64'), title: `NewRx ${messageId}.xml`, creation: now } }],
    context: { related: [orderRef] },
  };
  const task: Task = {
    resourceType: 'Task',
    status: 'requested',
    intent: 'order',
    priority: 'routine',
    code: { coding: [{ ...ERX_SEND }], text: ERX_SEND.display },
    description: `Send the NewRx to ${pharmacy.name ?? 'the pharmacy'}`,
    focus: orderRef,
    for: mr.subject,
    authoredOn: now,
    lastModified: now,
    ...(mr.requester ? { requester: mr.requester } : {}),
    owner: pharmacyRef,
    input: [{ type: { text: 'NewRx message' }, valueReference: { reference: `DocumentReference/${messageId}` } }],
  };
  const writes: CompanionWrite[] = [{ resource: doc }, { resource: task }];
  return writes;
};
