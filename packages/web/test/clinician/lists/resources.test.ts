/** Building the list entries' FHIR resources from form values, and the actions on them. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { AllergyIntolerance, Condition, MedicationStatement } from '@medplum/fhirtypes';
import { allergyEnteredInError, allergyForm, allergyResource, allergyStatus, EMPTY_ALLERGY, validateAllergy } from '../../../src/clinician/lists/allergy.ts';
import { emptyImmunization, immunizationResource, validateImmunization } from '../../../src/clinician/lists/immunization.ts';
import { discontinueMedication, EMPTY_MEDICATION, medicationResource, validateDiscontinue, validateMedication } from '../../../src/clinician/lists/medication.ts';
import { EMPTY_PROBLEM, problemEnteredInError, problemResource, problemStatus, resolveProblem, validateProblem } from '../../../src/clinician/lists/problem.ts';
import { authorOf, authorsByVersion, provenanceFor } from '../../../src/clinician/lists/provenance.ts';

const NOW = new Date('2026-11-26T15:00:00Z');
const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
const ICD = 'http://hl7.org/fhir/sid/icd-10-cm';
const CVX = 'http://hl7.org/fhir/sid/cvx';
const ME = { reference: 'Practitioner/dr1', display: 'Ada Okafor' };

it('builds a new allergy coded RxNorm, recorded by the signed-in user', () => {
  const form = { ...EMPTY_ALLERGY, substance: { system: RXNORM, code: '70618', display: 'penicillin' }, criticality: 'high' as const, manifestation: ' Hives ', severity: 'severe' as const };
  const a = allergyResource(form, 'p1', ME, undefined, NOW);
  assert.deepEqual(a.code, { coding: [{ system: RXNORM, code: '70618', display: 'penicillin' }], text: 'penicillin' });
  assert.equal(a.patient.reference, 'Patient/p1');
  assert.deepEqual(a.recorder, ME);
  assert.equal(a.recordedDate, NOW.toISOString());
  assert.equal(a.clinicalStatus?.coding?.[0]?.system, 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical');
  assert.equal(a.clinicalStatus?.coding?.[0]?.code, 'active');
  assert.equal(a.verificationStatus?.coding?.[0]?.code, 'confirmed');
  assert.deepEqual(a.category, ['medication']);
  assert.deepEqual(a.reaction, [{ manifestation: [{ text: 'Hives' }], severity: 'severe' }]);
});

it('keeps a free-text substance as text only, and an edit keeps what the form does not show', () => {
  const base: AllergyIntolerance = { resourceType: 'AllergyIntolerance', id: 'a1', meta: { versionId: '3' }, patient: { reference: 'Patient/p1' }, code: { text: 'Peanut' }, recorder: { reference: 'Practitioner/other' }, recordedDate: '2020-01-01', encounter: { reference: 'Encounter/e1' }, criticality: 'low' };
  const form = { ...allergyForm(base), criticality: 'high' as const };
  assert.deepEqual(form.substance, { display: 'Peanut' });
  const edited = allergyResource(form, 'p1', ME, base, NOW);
  assert.deepEqual(edited.code, { text: 'Peanut' });
  assert.equal(edited.id, 'a1');
  assert.equal(edited.meta?.versionId, '3', 'the version opened, for If-Match');
  assert.equal(edited.recorder?.reference, 'Practitioner/other', 'the original recorder stays');
  assert.equal(edited.recordedDate, '2020-01-01');
  assert.equal(edited.encounter?.reference, 'Encounter/e1');
  assert.equal(edited.criticality, 'high');
});

it('checks an allergy form before sending', () => {
  assert.ok(validateAllergy(EMPTY_ALLERGY, NOW).substance);
  assert.ok(validateAllergy({ ...EMPTY_ALLERGY, substance: { display: 'Latex' }, severity: 'mild' }, NOW).manifestation);
  assert.ok(validateAllergy({ ...EMPTY_ALLERGY, substance: { display: 'Latex' }, onset: '2026-12-01' }, NOW).onset);
  assert.ok(validateAllergy({ ...EMPTY_ALLERGY, substance: { display: 'Latex' }, onset: '2026-02-30' }, NOW).onset);
  assert.deepEqual(validateAllergy({ ...EMPTY_ALLERGY, substance: { display: 'Latex' }, onset: '2026-02-28' }, NOW), {});
});

it('marks an allergy entered in error without a clinical status (FHIR ait-2)', () => {
  const a = allergyResource({ ...EMPTY_ALLERGY, substance: { display: 'Latex' } }, 'p1', ME, undefined, NOW);
  const wrong = allergyEnteredInError(a);
  assert.equal(wrong.clinicalStatus, undefined);
  assert.equal(wrong.verificationStatus?.coding?.[0]?.code, 'entered-in-error');
  assert.deepEqual(allergyStatus(wrong), { label: 'Entered in error', tone: 'error' });
});

it('builds a problem-list Condition with recorder and asserter, resolves it, and marks it entered in error', () => {
  assert.ok(validateProblem(EMPTY_PROBLEM, NOW).code);
  const c = problemResource({ ...EMPTY_PROBLEM, code: { system: ICD, code: 'I10', display: 'Essential (primary) hypertension' }, onset: '2019-05-01' }, 'p1', ME, undefined, NOW);
  assert.equal(c.category?.[0]?.coding?.[0]?.code, 'problem-list-item');
  assert.deepEqual(c.code?.coding?.[0], { system: ICD, code: 'I10', display: 'Essential (primary) hypertension' });
  assert.deepEqual(c.asserter, ME);
  assert.deepEqual(c.recorder, ME);
  assert.equal(c.onsetDateTime, '2019-05-01');
  const resolved: Condition = resolveProblem(c, '2026-11-20');
  assert.equal(resolved.clinicalStatus?.coding?.[0]?.code, 'resolved');
  assert.equal(resolved.abatementDateTime, '2026-11-20');
  assert.equal(problemStatus(resolved).tone, 'inactive');
  // Reactivating drops the abatement (FHIR con-4).
  const active = problemResource({ code: c.code.coding[0], onset: '2019-05-01', clinical: 'active', note: '' }, 'p1', ME, resolved, NOW);
  assert.equal(active.abatementDateTime, undefined);
  const wrong = problemEnteredInError(c);
  assert.equal(wrong.clinicalStatus, undefined);
  assert.equal(wrong.verificationStatus?.coding?.[0]?.code, 'entered-in-error');
});

it('builds a reported medication and discontinues it with a reason and end date', () => {
  assert.deepEqual(Object.keys(validateMedication(EMPTY_MEDICATION, NOW)).sort(), ['dosage', 'medication']);
  const s: MedicationStatement = medicationResource({ medication: { system: RXNORM, code: '314076', display: 'lisinopril 10 MG Oral Tablet' }, dosage: '1 tablet daily', start: '2024-01-10', note: '' }, 'p1', ME, undefined, NOW);
  assert.equal(s.status, 'active');
  assert.deepEqual(s.informationSource, ME);
  assert.deepEqual(s.effectivePeriod, { start: '2024-01-10' });
  assert.ok(validateDiscontinue('', '2026-11-26', '2024-01-10', NOW).reason);
  assert.ok(validateDiscontinue('Cough', '2023-12-31', '2024-01-10', NOW).end, 'not before the start');
  assert.deepEqual(validateDiscontinue('Cough', '2026-11-26', '2024-01-10', NOW), {});
  const stopped = discontinueMedication(s, ' Cough ', '2026-11-26');
  assert.equal(stopped.status, 'stopped');
  assert.deepEqual(stopped.statusReason, [{ text: 'Cough' }]);
  assert.deepEqual(stopped.effectivePeriod, { start: '2024-01-10', end: '2026-11-26' });
});

it('builds a given immunization with lot, site and route, and a declined one with its reason only', () => {
  const form = { ...emptyImmunization(NOW), vaccine: { system: CVX, code: '141', display: 'Influenza, seasonal, injectable' }, lot: 'L1', site: 'LD' as const, route: 'IM' as const };
  const given = immunizationResource(form, 'p1', undefined, NOW);
  assert.equal(given.status, 'completed');
  assert.equal(given.lotNumber, 'L1');
  assert.equal(given.site?.coding?.[0]?.code, 'LD');
  assert.equal(given.route?.coding?.[0]?.system, 'http://terminology.hl7.org/CodeSystem/v3-RouteOfAdministration');
  assert.equal(given.primarySource, true);
  assert.ok(validateImmunization({ ...form, status: 'not-done' }, NOW).reason);
  const declined = immunizationResource({ ...form, status: 'not-done', reason: 'PATOBJ' }, 'p1', undefined, NOW);
  assert.equal(declined.lotNumber, undefined);
  assert.equal(declined.site, undefined);
  assert.equal(declined.statusReason?.coding?.[0]?.code, 'PATOBJ');
});

it('finds who wrote each version from Provenance, and falls back to the recorder for the first', () => {
  const stored = { resourceType: 'AllergyIntolerance' as const, id: 'a1', meta: { versionId: '2' } };
  const p = provenanceFor(stored as AllergyIntolerance, 'UPDATE', ME, NOW);
  assert.equal(p.target[0]?.reference, 'AllergyIntolerance/a1/_history/2');
  assert.equal(p.activity?.coding?.[0]?.code, 'UPDATE');
  const imported = { resourceType: 'Provenance' as const, target: [{ reference: 'AllergyIntolerance/a1' }], recorded: '2020-01-01', agent: [{ who: { reference: 'Practitioner/pcp', display: 'Dr PCP' } }] };
  const authors = authorsByVersion([p, imported, { ...p, target: [{ reference: 'AllergyIntolerance/other/_history/2' }] }], 'AllergyIntolerance', 'a1');
  assert.equal(authorOf(authors, '2', false, {}), 'Ada Okafor');
  assert.equal(authorOf(authors, '1', true, {}), 'Dr PCP');
  assert.equal(authorOf(authorsByVersion([], 'AllergyIntolerance', 'a1'), '1', true, { recorder: { display: 'Nurse Lee' } }), 'Nurse Lee');
  assert.equal(authorOf(authorsByVersion([], 'AllergyIntolerance', 'a1'), '3', false, { recorder: { display: 'Nurse Lee' } }), undefined);
});
