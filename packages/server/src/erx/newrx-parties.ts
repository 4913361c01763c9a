/**
 * The parties of an NCPDP SCRIPT NewRx, from FHIR: the patient (HumanPatient), the pharmacy and
 * the prescriber (NonVeterinarian), with their names, addresses and telephone numbers in the
 * standard's shapes. Pure. A missing identifier the standard requires (the pharmacy's NCPDP ID,
 * the prescriber's NPI) is an error: the message cannot be routed without it.
 */
import type { Address, ContactPoint, HumanName, Identifier, Organization, Patient, Practitioner } from '@medplum/fhirtypes';
import { unprocessable } from '@continuum/fhir';
import { MRN_SYSTEM } from '../store/mrn.ts';
import { el, type XmlElement } from './xml.ts';
import { NCPDP_ID_SYSTEM, NPI_SYSTEM } from './codes.ts';

export const identifierOf = (ids: Identifier[] | undefined, system: string): string | undefined => ids?.find((i) => i.system === system && i.value)?.value;

export function pharmacyNcpdpId(pharmacy: Organization): string {
  const id = identifierOf(pharmacy.identifier, NCPDP_ID_SYSTEM);
  if (!id) throw unprocessable(`The pharmacy Organization/${pharmacy.id ?? ''} has no NCPDP ID (${NCPDP_ID_SYSTEM}); the prescription cannot be sent to it`, ['MedicationRequest.dispenseRequest.performer']);
  return id;
}

export function prescriberNpi(prescriber: Practitioner): string {
  const npi = identifierOf(prescriber.identifier, NPI_SYSTEM);
  if (!npi) throw unprocessable(`The prescriber Practitioner/${prescriber.id ?? ''} has no NPI; an e-prescription needs one`, ['MedicationRequest.requester']);
  return npi;
}

function name(n: HumanName | undefined): XmlElement {
  const given = n?.given ?? [];
  return el(
    'Name',
    el('LastName', n?.family ?? (n?.text ?? 'Unknown')),
    el('FirstName', given[0] ?? ''),
    given.length > 1 && el('MiddleName', given.slice(1).join(' ')),
  );
}

function address(a: Address | undefined): XmlElement | undefined {
  if (!a) return undefined;
  return el(
    'Address',
    el('AddressLine1', a.line?.[0] ?? ''),
    a.line?.[1] && el('AddressLine2', a.line[1]),
    el('City', a.city ?? ''),
    a.state && el('StateProvince', a.state),
    a.postalCode && el('PostalCode', a.postalCode.replace(/[^0-9A-Za-z]/g, '')),
    el('CountryCode', a.country && /^[A-Z]{2}$/.test(a.country) ? a.country : 'US'),
  );
}

/** Digits only, as NCPDP telephone numbers are written. */
const digits = (s: string): string => s.replace(/\D/g, '');

function communication(telecom: ContactPoint[] | undefined): XmlElement | undefined {
  const phone = telecom?.find((t) => t.system === 'phone' && t.value && digits(t.value).length >= 10);
  if (!phone) return undefined;
  const fax = telecom?.find((t) => t.system === 'fax' && t.value && digits(t.value).length >= 10);
  const email = telecom?.find((t) => t.system === 'email' && t.value);
  return el(
    'CommunicationNumbers',
    el('PrimaryTelephone', el('Number', digits(phone.value!))),
    email && el('ElectronicMail', email.value),
    fax && el('Fax', el('Number', digits(fax.value!))),
  );
}

const GENDER: Record<string, string> = { male: 'M', female: 'F' };

export function patientElement(p: Patient): XmlElement {
  const mrn = identifierOf(p.identifier, MRN_SYSTEM);
  const official = p.name?.find((n) => n.use === 'official') ?? p.name?.[0];
  return el(
    'Patient',
    el(
      'HumanPatient',
      mrn && el('Identification', el('MedicalRecordIdentificationNumberEHR', mrn)),
      name(official),
      el('Gender', GENDER[p.gender ?? ''] ?? 'U'),
      el('DateOfBirth', el('Date', p.birthDate ?? '')),
      address(p.address?.find((a) => a.use === 'home') ?? p.address?.[0]),
      communication(p.telecom),
    ),
  );
}

export function pharmacyElement(o: Organization): XmlElement {
  const npi = identifierOf(o.identifier, NPI_SYSTEM);
  return el(
    'Pharmacy',
    el('Identification', el('NCPDPID', pharmacyNcpdpId(o)), npi && el('NPI', npi)),
    el('BusinessName', o.name ?? ''),
    address(o.address?.[0]),
    communication(o.telecom),
  );
}

export function prescriberElement(p: Practitioner): XmlElement {
  return el(
    'Prescriber',
    el(
      'NonVeterinarian',
      el('Identification', el('NPI', prescriberNpi(p))),
      name(p.name?.[0]),
      address(p.address?.[0]),
      communication(p.telecom),
    ),
  );
}
