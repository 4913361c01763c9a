/** The registration form as FHIR: checks before sending, the Patient, the Coverage, the transaction and the duplicate searches. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Coverage, Patient } from '@medplum/fhirtypes';
import { duplicateSearches, mergeMatches, mrnTaken } from '../../src/clinician/registration/duplicate-check.ts';
import { createdPatientId, registrationBundle, toPatient } from '../../src/clinician/registration/registration-bundle.ts';
import { EMPTY_FORM, normalPhone, validate, type RegistrationForm } from '../../src/clinician/registration/registration-form.ts';

const TODAY = '2026-11-26';
const US_CORE = 'http://hl7.org/fhir/us/core/StructureDefinition';

const FULL: RegistrationForm = {
  ...EMPTY_FORM,
  given: ' Maria  Luisa ', family: 'Quintero', preferredName: 'Malu', birthDate: '1979-04-12', sex: 'female', genderIdentity: '446141000124107',
  race: ['2106-3', '2054-5'], ethnicity: '2135-2', language: 'es', mrn: 'C100-0042',
  line: '12 Alder St', city: 'Eugene', state: 'or', postalCode: '97401', phone: '541.555.0199', phoneUse: 'mobile', email: 'malu@example.org',
  emergencyName: 'Jorge Quintero', emergencyRelationship: 'Spouse', emergencyPhone: '541 555 0142',
  payorId: 'org-7', payorName: 'Cascade Health Plan', memberId: 'EHP1234567',
};

it('checks the required fields and formats before anything is sent', () => {
  const empty = validate(EMPTY_FORM, TODAY);
  assert.deepEqual(Object.keys(empty).sort(), ['birthDate', 'family', 'given', 'sex'], 'names, birth date and sex are required; the server assigns an MRN left blank');
  assert.deepEqual(validate(FULL, TODAY), {}, 'a complete form passes');
  const bad = validate({ ...FULL, birthDate: '2030-01-01', phone: '555-12', email: 'nope', mrn: 'ABCD', emergencyPhone: '', memberId: '', race: ['ASKU', '2028-9'] }, TODAY);
  assert.match(bad.birthDate ?? '', /future/, 'no birth dates in the future');
  assert.ok(bad.phone, 'a short phone is refused');
  assert.ok(bad.email, 'an email needs an @ and a domain');
  assert.ok(bad.mrn, 'an MRN needs a digit');
  assert.ok(bad.emergencyPhone, 'an emergency contact needs a phone');
  assert.ok(bad.memberId, 'an insurance needs a member id');
  assert.ok(bad.race, 'declined is not combined with races');
  assert.equal(normalPhone('+1 (541) 555-0199'), '(541) 555-0199', 'a US number in the usual spelling');
  assert.equal(normalPhone('541-555-01x9'), undefined, 'letters are not a phone');
});

it('makes a US Core Patient with the USCDI demographics', () => {
  const p = toPatient(FULL);
  assert.deepEqual(p.name, [{ use: 'official', family: 'Quintero', given: ['Maria', 'Luisa'] }, { use: 'usual', given: ['Malu'], family: 'Quintero' }], 'legal and preferred names');
  assert.equal(p.identifier?.[0]?.type?.coding?.[0]?.code, 'MR', 'the MRN is typed MR');
  assert.equal(p.identifier?.[0]?.value, 'C100-0042', 'the MRN as entered');
  assert.equal(toPatient({ ...FULL, mrn: '  ' }).identifier, undefined, 'no MRN entered, none sent: the server assigns one');
  const ext = (name: string) => p.extension?.find((e) => e.url === `${US_CORE}/${name}`);
  const race = ext('us-core-race')?.extension ?? [];
  assert.deepEqual(race.filter((e) => e.url === 'ombCategory').map((e) => [e.valueCoding?.system, e.valueCoding?.code]), [['urn:oid:2.16.840.1.113883.6.238', '2054-5'], ['urn:oid:2.16.840.1.113883.6.238', '2106-3']], 'OMB race categories');
  assert.ok(race.some((e) => e.url === 'text' && e.valueString), 'race has its text');
  assert.equal(ext('us-core-ethnicity')?.extension?.[0]?.valueCoding?.code, '2135-2', 'OMB ethnicity');
  assert.equal(ext('us-core-genderIdentity')?.valueCodeableConcept?.coding?.[0]?.code, '446141000124107', 'gender identity in SNOMED CT');
  assert.deepEqual(p.communication?.[0]?.language.coding?.[0], { system: 'urn:ietf:bcp:47', code: 'es', display: 'Spanish' }, 'preferred language in BCP-47');
  assert.equal(p.communication?.[0]?.preferred, true, 'marked preferred');
  assert.deepEqual(p.telecom, [{ system: 'phone', value: '(541) 555-0199', use: 'mobile' }, { system: 'email', value: 'malu@example.org', use: 'home' }], 'phone and email');
  assert.deepEqual(p.address, [{ use: 'home', line: ['12 Alder St'], city: 'Eugene', state: 'OR', postalCode: '97401', country: 'US' }], 'the address');
  const contact = p.contact?.[0];
  assert.equal(contact?.relationship?.[0]?.coding?.[0]?.code, 'C', 'the emergency contact is coded C');
  assert.equal(contact?.relationship?.[0]?.text, 'Spouse', 'with the relationship in words');
  assert.deepEqual(contact?.name, { given: ['Jorge'], family: 'Quintero', text: 'Jorge Quintero' }, "the contact's name");
  assert.equal(contact?.telecom?.[0]?.value, '(541) 555-0142', "the contact's phone");
  const declined = toPatient({ ...FULL, race: ['ASKU'], genderIdentity: '', preferredName: '', emergencyName: '', emergencyPhone: '', email: '', phone: '' });
  assert.equal(declined.extension?.find((e) => e.url.endsWith('us-core-race'))?.extension?.[0]?.valueCoding?.code, 'ASKU', 'a declined race is a NullFlavor');
  assert.equal(declined.extension?.some((e) => e.url.endsWith('genderIdentity')), false, 'no gender identity when not asked');
  assert.equal(declined.name?.length, 1, 'no preferred name when none is given');
  assert.equal(declined.contact, undefined, 'no emergency contact when none is given');
  assert.equal(declined.telecom, undefined, 'no telecom when none is given');
});

it('creates the Patient and its Coverage in one transaction, linked by urn:uuid', () => {
  const bundle = registrationBundle(FULL, { patient: 'p-uuid', coverage: 'c-uuid' }, TODAY);
  assert.equal(bundle.type, 'transaction', 'a transaction');
  const [pe, ce] = bundle.entry ?? [];
  assert.equal(pe?.fullUrl, 'urn:uuid:p-uuid', 'the Patient has a temporary id');
  assert.deepEqual(pe?.request, { method: 'POST', url: 'Patient' }, 'the Patient is created');
  assert.deepEqual(ce?.request, { method: 'POST', url: 'Coverage' }, 'the Coverage is created');
  const cov = ce?.resource as Coverage;
  assert.deepEqual(cov.beneficiary, { reference: 'urn:uuid:p-uuid' }, 'the Coverage points at the new Patient');
  assert.deepEqual(cov.subscriber, { reference: 'urn:uuid:p-uuid' }, 'who is the subscriber');
  assert.equal(cov.relationship?.coding?.[0]?.code, 'self', 'relationship self');
  assert.deepEqual(cov.payor, [{ reference: 'Organization/org-7', display: 'Cascade Health Plan' }], 'the insurer from the directory');
  assert.equal(cov.subscriberId, 'EHP1234567', 'the member id');
  assert.equal(cov.identifier?.[0]?.value, 'EHP1234567', 'also as a member-number identifier');
  const typed = registrationBundle({ ...FULL, payorId: '', payorName: 'Small Local Plan' }, { patient: 'p', coverage: 'c' }, TODAY);
  assert.deepEqual((typed.entry?.[1]?.resource as Coverage).payor, [{ display: 'Small Local Plan' }], 'an insurer not in the directory, by name');
  const uninsured = registrationBundle({ ...FULL, payorId: '', payorName: '', memberId: '' }, { patient: 'p', coverage: 'c' }, TODAY);
  assert.equal(uninsured.entry?.length, 1, 'no Coverage for the uninsured');
  assert.equal(createdPatientId({ resourceType: 'Bundle', type: 'transaction-response', entry: [{ response: { status: '201 Created', location: 'Patient/abc/_history/1' } }] }), 'abc', 'the new id from the location');
});

it('searches for likely duplicates and merges the answers', () => {
  const searches = duplicateSearches(FULL);
  assert.deepEqual(searches.map((s) => s.reason), ['name and birth date', 'phone', 'email', 'MRN'], 'four searches');
  assert.deepEqual(searches[0]?.params.slice(0, 2), [['family:exact', 'Quintero'], ['birthdate', '1979-04-12']], 'same last name and birth date');
  assert.ok(searches[1]?.params[0]?.[1].includes('(541) 555-0199'), 'the phone in its stored spelling');
  assert.deepEqual(searches[3]?.params[0], ['identifier', 'C100-0042'], 'the MRN');
  assert.deepEqual(duplicateSearches({ ...FULL, phone: '', email: '' }).map((s) => s.reason), ['name and birth date', 'MRN'], 'only what was entered');
  const a: Patient = { resourceType: 'Patient', id: 'a' };
  const b: Patient = { resourceType: 'Patient', id: 'b' };
  const merged = mergeMatches([{ reason: 'name and birth date', patients: [a] }, { reason: 'phone', patients: [a, b] }, { reason: 'email', patients: [] }]);
  assert.deepEqual(merged.map((m) => [m.patient.id, m.reasons]), [['a', ['name and birth date', 'phone']], ['b', ['phone']]], 'one row per patient, every reason');
  assert.equal(mrnTaken(merged), false, 'no MRN clash');
  assert.equal(mrnTaken(mergeMatches([{ reason: 'MRN', patients: [b] }])), true, 'an MRN clash blocks');
});
