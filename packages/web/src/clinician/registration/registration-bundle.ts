/**
 * The registration form as FHIR: a US Core Patient (official and preferred names, the MRN, race,
 * ethnicity and gender identity extensions, preferred language, address, phone, email and the
 * emergency contact), a Coverage for the insurance when there is one, and the transaction Bundle
 * that creates both at once, the Coverage pointing at the Patient through its `urn:uuid`. Pure: the
 * ids come in as arguments, so the same form always makes the same Bundle.
 */
import type { Bundle, Coverage, Extension, Organization, Patient, Reference } from '@medplum/fhirtypes';
import { normalPhone, type RegistrationForm } from './registration-form.ts';
import { choice, CLINIC_MRN_SYSTEM, ETHNICITIES, GENDER_IDENTITIES, LANGUAGES, RACE_DECLINED, RACES, US_CORE, type Choice } from './vocab.ts';

const V2_0203 = 'http://terminology.hl7.org/CodeSystem/v2-0203';
const V2_0131 = 'http://terminology.hl7.org/CodeSystem/v2-0131';

const coding = (c: Choice) => ({ system: c.system, code: c.code, display: c.label });
const clean = (s: string) => s.trim().replace(/\s+/g, ' ');

/** The US Core race or ethnicity extension: its OMB categories (or a NullFlavor) and a text. */
function ombExtension(kind: 'race' | 'ethnicity', answers: Choice[]): Extension | undefined {
  if (answers.length === 0) return undefined;
  const text = answers.length > 1 ? answers.map((a) => a.label).join(', ') : answers[0]!.label;
  return {
    url: `${US_CORE}/us-core-${kind}`,
    extension: [...answers.map((a): Extension => ({ url: 'ombCategory', valueCoding: coding(a) })), { url: 'text', valueString: text }],
  };
}

function raceAnswers(codes: string[]): Choice[] {
  if (codes.includes(RACE_DECLINED.code)) return [RACE_DECLINED];
  return RACES.filter((r) => codes.includes(r.code));
}

function extensions(form: RegistrationForm): Extension[] {
  const out: Extension[] = [];
  const race = ombExtension('race', raceAnswers(form.race));
  if (race) out.push(race);
  const ethnicity = choice(ETHNICITIES, form.ethnicity);
  const eth = ombExtension('ethnicity', ethnicity ? [ethnicity] : []);
  if (eth) out.push(eth);
  const gender = choice(GENDER_IDENTITIES, form.genderIdentity);
  if (gender) out.push({ url: `${US_CORE}/us-core-genderIdentity`, valueCodeableConcept: { coding: [coding(gender)], text: gender.label } });
  return out;
}

export function toPatient(form: RegistrationForm): Patient {
  const phone = normalPhone(form.phone);
  const email = clean(form.email);
  const address = { line: clean(form.line), city: clean(form.city), state: clean(form.state).toUpperCase(), postalCode: clean(form.postalCode) };
  const hasAddress = Object.values(address).some(Boolean);
  const language = choice(LANGUAGES, form.language);
  const emergencyPhone = normalPhone(form.emergencyPhone);
  const patient: Patient = {
    resourceType: 'Patient',
    active: true,
    // Without one, the server assigns the next MRN when it creates the Patient.
    ...(clean(form.mrn) ? { identifier: [{ use: 'usual', type: { coding: [{ system: V2_0203, code: 'MR', display: 'Medical record number' }], text: 'MRN' }, system: CLINIC_MRN_SYSTEM, value: clean(form.mrn) }] } : {}),
    name: [{ use: 'official', family: clean(form.family), given: clean(form.given).split(' ') }],
    gender: form.sex as Patient['gender'],
    birthDate: form.birthDate.trim(),
  };
  const ext = extensions(form);
  if (ext.length > 0) patient.extension = ext;
  if (clean(form.preferredName)) patient.name!.push({ use: 'usual', given: [clean(form.preferredName)], family: clean(form.family) });
  const telecom: NonNullable<Patient['telecom']> = [];
  if (phone) telecom.push({ system: 'phone', value: phone, use: form.phoneUse });
  if (email) telecom.push({ system: 'email', value: email, use: 'home' });
  if (telecom.length > 0) patient.telecom = telecom;
  if (hasAddress) {
    patient.address = [{
      use: 'home',
      ...(address.line ? { line: [address.line] } : {}),
      ...(address.city ? { city: address.city } : {}),
      ...(address.state ? { state: address.state } : {}),
      ...(address.postalCode ? { postalCode: address.postalCode } : {}),
      country: 'US',
    }];
  }
  if (language) patient.communication = [{ language: { coding: [coding(language)], text: language.label }, preferred: true }];
  if (clean(form.emergencyName) && emergencyPhone) {
    const [first, ...rest] = clean(form.emergencyName).split(' ');
    const relation = clean(form.emergencyRelationship);
    patient.contact = [{
      relationship: [{ coding: [{ system: V2_0131, code: 'C', display: 'Emergency Contact' }], ...(relation ? { text: relation } : {}) }],
      name: rest.length > 0 ? { given: [first!], family: rest.join(' '), text: clean(form.emergencyName) } : { text: first! },
      telecom: [{ system: 'phone', value: emergencyPhone }],
    }];
  }
  return patient;
}

/** The insurance as a Coverage of `beneficiary`, who is its own subscriber; undefined when uninsured. */
export function toCoverage(form: RegistrationForm, beneficiary: Reference<Patient>, today: string): Coverage | undefined {
  const memberId = clean(form.memberId);
  const payorName = clean(form.payorName);
  if (!memberId || (!payorName && !form.payorId)) return undefined;
  const payor: Reference<Organization> = form.payorId ? { reference: `Organization/${form.payorId}`, ...(payorName ? { display: payorName } : {}) } : { display: payorName };
  return {
    resourceType: 'Coverage',
    status: 'active',
    identifier: [{ type: { coding: [{ system: V2_0203, code: 'MB', display: 'Member Number' }] }, value: memberId }],
    subscriberId: memberId,
    subscriber: beneficiary,
    beneficiary,
    relationship: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/subscriber-relationship', code: 'self', display: 'Self' }] },
    period: { start: today },
    payor: [payor],
  };
}

/** One transaction: the Patient, and its Coverage pointing at it by `urn:uuid:<patientUuid>`. */
export function registrationBundle(form: RegistrationForm, ids: { patient: string; coverage: string }, today: string): Bundle {
  const patientUrl = `urn:uuid:${ids.patient}`;
  const entry: NonNullable<Bundle['entry']> = [{ fullUrl: patientUrl, resource: toPatient(form), request: { method: 'POST', url: 'Patient' } }];
  const coverage = toCoverage(form, { reference: patientUrl }, today);
  if (coverage) entry.push({ fullUrl: `urn:uuid:${ids.coverage}`, resource: coverage, request: { method: 'POST', url: 'Coverage' } });
  return { resourceType: 'Bundle', type: 'transaction', entry };
}

/** The new Patient's id, from the transaction's answer (entries answer in request order). */
export function createdPatientId(response: Bundle): string | undefined {
  const location = response.entry?.[0]?.response?.location ?? '';
  return /^(?:.*\/)?Patient\/([^/]+)/.exec(location)?.[1] ?? (response.entry?.[0]?.resource?.resourceType === 'Patient' ? response.entry[0].resource.id : undefined);
}
