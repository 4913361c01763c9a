/**
 * Renders an NCPDP SCRIPT NewRx (standard version 2017071) from a FHIR MedicationRequest and the
 * resources it points at. The Message carries the version attributes of the 2017071 schemas
 * (20170715), a Header addressed to the pharmacy's NCPDP ID (Qualifier P) from the prescriber
 * (Qualifier C, the NPI), and a Body with the NewRx: Patient, Pharmacy, Prescriber and
 * MedicationPrescribed. Pure: ids and times are inputs. It renders; it neither validates against
 * the NCPDP XSD (not shipped) nor sends.
 */
import type { MedicationRequest, Organization, Patient, Practitioner } from '@medplum/fhirtypes';
import { VERSION } from '../version.ts';
import { el, elAttrs, renderXml } from './xml.ts';
import { medicationElement, type Diagnosis } from './newrx-medication.ts';
import { patientElement, pharmacyElement, pharmacyNcpdpId, prescriberElement, prescriberNpi } from './newrx-parties.ts';

export const SCRIPT_NAMESPACE = 'http://www.ncpdp.org/schema/SCRIPT';
/** SCRIPT 2017071's schema version, as its messages' version attributes carry it. */
export const SCRIPT_VERSION = '20170715';
export const SENDER_SOFTWARE = { developer: 'Continuum', product: 'Continuum EHR', version: VERSION } as const;

export interface NewRxInput {
  messageId: string;
  /** ISO 8601 instant the message is created. */
  sentTime: string;
  order: MedicationRequest;
  patient: Patient;
  pharmacy: Organization;
  prescriber: Practitioner;
  diagnosis?: Diagnosis;
}

export function renderNewRx(input: NewRxInput): string {
  const { order } = input;
  const version = { DatatypesVersion: SCRIPT_VERSION, TransportVersion: SCRIPT_VERSION, TransactionDomain: 'SCRIPT', TransactionVersion: SCRIPT_VERSION, StructuresVersion: SCRIPT_VERSION, ECLVersion: SCRIPT_VERSION };
  const header = el(
    'Header',
    elAttrs('To', { Qualifier: 'P' }, pharmacyNcpdpId(input.pharmacy)),
    elAttrs('From', { Qualifier: 'C' }, prescriberNpi(input.prescriber)),
    el('MessageID', input.messageId),
    el('SentTime', input.sentTime),
    el('SenderSoftware', el('SenderSoftwareDeveloper', SENDER_SOFTWARE.developer), el('SenderSoftwareProduct', SENDER_SOFTWARE.product), el('SenderSoftwareVersionRelease', SENDER_SOFTWARE.version)),
    el('PrescriberOrderNumber', order.id ?? ''),
  );
  const newRx = el('NewRx', patientElement(input.patient), pharmacyElement(input.pharmacy), prescriberElement(input.prescriber), medicationElement(order, input.diagnosis));
  return renderXml(elAttrs('Message', { xmlns: SCRIPT_NAMESPACE, ...version }, header, el('Body', newRx)));
}
