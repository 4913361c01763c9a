/**
 * Drug-allergy and intolerance checks: RxNorm-coded allergies (the demo data's penicillin
 * ingredient), SNOMED CT codes, text-only records ("Penicillin", "Sulfa drugs"), same-class
 * allergies, documented cross-sensitivity (penicillin allergy and cephalosporins: moderate),
 * intolerances (moderate), and records that must be ignored (refuted, entered-in-error,
 * inactive, resolved).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AllergyIntolerance } from '@medplum/fhirtypes';
import { runOrderChecks } from '../../src/medications/checks.ts';
import { allergy, draftOf, input, order, RXNORM } from './fixtures.ts';

const SNOMED = 'http://snomed.info/sct';
const PENICILLIN_RX = { coding: [{ system: RXNORM, code: '70618', display: 'Penicillin' }] };

const check = (drug: string, allergies: AllergyIntolerance[]) => runOrderChecks(input({ drafts: [draftOf(drug)], allergies })).filter((f) => f.kind === 'drug-allergy' || f.kind === 'drug-intolerance');

describe('drug allergy', () => {
  it('flags every penicillin for the demo data penicillin allergy (RxNorm 70618), high', () => {
    for (const drug of ['amoxicillin', 'ampicillin', 'dicloxacillin']) {
      const al = allergy(PENICILLIN_RX, { reaction: [{ manifestation: [{ text: 'Hives' }] }] });
      const [f] = check(drug, [al]);
      assert.ok(f, drug);
      assert.equal(f.kind, 'drug-allergy');
      assert.equal(f.severity, 'high');
      assert.equal(f.rule, 'allergy-class:penicillins');
      assert.deepEqual(f.implicated.map((r) => r.reference), [`AllergyIntolerance/${al.id}`]);
      assert.match(f.detail, /Hives/);
      assert.ok(f.summary.length < 140);
    }
  });

  it('flags amoxicillin/clavulanate (a combination product) for a penicillin allergy', () => {
    const f = runOrderChecks(input({ drafts: [order({ code: '562508' })], allergies: [allergy(PENICILLIN_RX)] }));
    assert.equal(f.filter((x) => x.kind === 'drug-allergy' && x.severity === 'high').length, 1);
  });

  it('gives cephalosporins a moderate cross-sensitivity warning with a penicillin allergy, citing the source', () => {
    for (const drug of ['cephalexin', 'ceftriaxone', 'cefdinir']) {
      const [f] = check(drug, [allergy(PENICILLIN_RX)]);
      assert.ok(f, drug);
      assert.equal(f.severity, 'moderate');
      assert.equal(f.rule, 'allergy-cross:penicillins:cephalosporins');
      assert.ok(f.references.some((r) => /Khan DA|practice parameter/.test(r.label)));
      assert.match(f.summary, /cross-sensitivity/);
    }
  });

  it('understands text-only allergies: "Penicillin", "PCN", "Sulfa drugs", "NSAIDs", "codeine"', () => {
    assert.equal(check('amoxicillin', [allergy({ text: 'Penicillin' })])[0]?.severity, 'high');
    assert.equal(check('amoxicillin', [allergy({ text: 'PCN - rash' })])[0]?.severity, 'high');
    const sulfa = runOrderChecks(input({ drafts: [order({ code: '198335' })], allergies: [allergy({ text: 'Sulfa drugs' })] }));
    assert.equal(sulfa.filter((f) => f.kind === 'drug-allergy' && f.severity === 'high').length, 1, 'sulfamethoxazole/trimethoprim');
    assert.equal(check('naproxen', [allergy({ text: 'NSAIDs' })])[0]?.severity, 'high');
    assert.equal(check('codeine', [allergy({ text: 'Codeine' })])[0]?.severity, 'high');
    assert.equal(check('morphine', [allergy({ text: 'codeine (vomiting)' })])[0]?.severity, 'moderate', 'phenanthrene opioids');
  });

  it('understands SNOMED CT allergy codes', () => {
    assert.equal(check('amoxicillin', [allergy({ coding: [{ system: SNOMED, code: '91936005', display: 'Allergy to penicillin' }] })])[0]?.severity, 'high');
    assert.equal(check('ampicillin', [allergy({ coding: [{ system: SNOMED, code: '373270004' }] })])[0]?.severity, 'high');
    assert.equal(check('ibuprofen', [allergy({ coding: [{ system: SNOMED, code: '387458008', display: 'Aspirin' }] })])[0]?.rule, 'allergy-cross:aspirin:nsaids');
  });

  it('extends an allergy to one NSAID to the others, and an allergy to a sulfonamide antibiotic to the class', () => {
    assert.equal(check('naproxen', [allergy({ text: 'ibuprofen' })])[0]?.rule, 'allergy-class:nsaids');
    assert.equal(check('ibuprofen', [allergy({ text: 'ibuprofen' })])[0]?.rule, 'allergy-ingredient:ibuprofen');
    // sulfadiazine 500 MG Oral Tablet (RxNorm 198228) recorded as the allergen; a sulfamethoxazole product ordered.
    const f = runOrderChecks(input({ drafts: [order({ code: '198335' })], allergies: [allergy({ coding: [{ system: RXNORM, code: '198228' }] })] }));
    assert.equal(f.find((x) => x.kind === 'drug-allergy')?.rule, 'allergy-class:sulfonamide-antibiotics');
  });

  it('ignores refuted, entered-in-error, inactive and resolved allergies, and non-drug allergies', () => {
    const status = (system: 'clinical' | 'verification', code: string): Partial<AllergyIntolerance> => ({
      [system === 'clinical' ? 'clinicalStatus' : 'verificationStatus']: { coding: [{ system: `http://terminology.hl7.org/CodeSystem/allergyintolerance-${system}`, code }] },
    });
    for (const over of [status('verification', 'refuted'), status('verification', 'entered-in-error'), status('clinical', 'inactive'), status('clinical', 'resolved')]) {
      assert.deepEqual(check('amoxicillin', [allergy(PENICILLIN_RX, over)]), []);
    }
    assert.deepEqual(check('amoxicillin', [allergy({ text: 'Peanut' }, { category: ['food'] }), allergy({ text: 'Grass pollen' })]), []);
    assert.deepEqual(check('azithromycin', [allergy(PENICILLIN_RX)]), [], 'a macrolide is the alternative for penicillin allergy');
  });

  it('still warns on an unconfirmed allergy, saying so', () => {
    const unconfirmed = allergy(PENICILLIN_RX, { verificationStatus: { coding: [{ code: 'unconfirmed' }] } });
    assert.match(check('amoxicillin', [unconfirmed])[0]!.detail, /unconfirmed/);
  });
});

describe('drug intolerance', () => {
  it('reports an intolerance as a moderate drug-intolerance finding', () => {
    const [f] = check('atorvastatin', [allergy({ text: 'atorvastatin' }, { type: 'intolerance', reaction: [{ manifestation: [{ text: 'Myalgia' }] }] })]);
    assert.ok(f);
    assert.equal(f.kind, 'drug-intolerance');
    assert.equal(f.severity, 'moderate');
    assert.match(f.summary, /intolerance/);
  });
});
