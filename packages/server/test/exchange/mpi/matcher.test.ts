/** scorePair on the cases registration desks produce, and the helpers under it (pure: no server). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Patient } from '@medplum/fhirtypes';
import { compareBirthDate } from '../../../src/exchange/mpi/compare.ts';
import { explainPair, scorePair } from '../../../src/exchange/mpi/matcher.ts';
import { nicknames } from '../../../src/exchange/mpi/nicknames.ts';
import { jaroWinkler, normalizeName, oneEditApart, soundex } from '../../../src/exchange/mpi/strings.ts';

const base: Patient = {
  resourceType: 'Patient',
  name: [{ family: 'Hartmann', given: ['William', 'Robert'] }],
  birthDate: '1974-03-08',
  gender: 'male',
  address: [{ line: ['42 Maple Road'], city: 'Fairview', postalCode: '61234' }],
  telecom: [
    { system: 'phone', value: '(555) 201-7788' },
    { system: 'email', value: 'w.hartmann@example.org' },
  ],
};
const variant = (changes: Partial<Patient>): Patient => ({ ...structuredClone(base), ...changes });
const named = (family: string, given: string): Partial<Patient> => ({ name: [{ family, given: [given] }] });

describe('strings', () => {
  it('normalises accents, case and punctuation', () => {
    assert.equal(normalizeName("  Zoë O'Brien-Müller "), 'zoeobrienmuller');
  });
  it('scores Jaro–Winkler like the published examples', () => {
    assert.ok(Math.abs(jaroWinkler('martha', 'marhta') - 0.961) < 0.001);
    assert.ok(Math.abs(jaroWinkler('dwayne', 'duane') - 0.84) < 0.001);
    assert.equal(jaroWinkler('abc', 'xyz'), 0);
  });
  it('codes Soundex by the census rules', () => {
    assert.equal(soundex('robert'), 'R163');
    assert.equal(soundex('rupert'), 'R163');
    assert.equal(soundex('ashcraft'), 'A261');
    assert.equal(soundex('tymczak'), 'T522');
    assert.equal(soundex('pfister'), 'P236');
  });
  it('knows one keyboard slip from two', () => {
    assert.ok(oneEditApart('hartmann', 'hartman'));
    assert.ok(oneEditApart('hartmann', 'hratmann'));
    assert.ok(!oneEditApart('hartmann', 'hrtamann'));
  });
  it('knows nicknames both ways, and not across groups', () => {
    assert.ok(nicknames('bill', 'william'));
    assert.ok(nicknames('william', 'bill'));
    assert.ok(nicknames('peggy', 'margaret'));
    assert.ok(!nicknames('bill', 'robert'));
  });
  it('grades birth date errors', () => {
    assert.equal(compareBirthDate('1974-03-08', '1974-03-08'), 'exact');
    assert.equal(compareBirthDate('1974-03-08', '1974-08-03'), 'swapped');
    assert.equal(compareBirthDate('1974-03-08', '1947-03-08'), 'transposed');
    assert.equal(compareBirthDate('1974-03-08', '1974-03-09'), 'typo');
    assert.equal(compareBirthDate('1974-03-08', '1975-03-08'), 'year-off');
    assert.equal(compareBirthDate('1974-03-08', '1990-11-23'), 'different');
    assert.equal(compareBirthDate('1974-03-08', undefined), undefined);
  });
});

describe('scorePair', () => {
  it('calls an identical record certain, with a score near 1', () => {
    const s = scorePair(base, structuredClone(base));
    assert.equal(s.grade, 'certain');
    assert.ok(s.score > 0.99, String(s.score));
  });

  it('matches Bill to William as a nickname, still certain', () => {
    const e = explainPair(base, variant({ name: [{ family: 'Hartmann', given: ['Bill'] }] }));
    assert.equal(e.comparison.given, 'nickname');
    assert.equal(e.grade, 'certain');
  });

  it('tolerates a typo in the family name and in the email-less record', () => {
    const e = explainPair(base, variant({ ...named('Hartman', 'William'), telecom: [{ system: 'phone', value: '555-201-7788' }] }));
    assert.equal(e.comparison.family, 'similar');
    assert.equal(e.comparison.phone, 'same', 'phone formatting is not a difference');
    assert.equal(e.grade, 'certain');
  });

  it('tolerates swapped day and month', () => {
    const e = explainPair(base, variant({ birthDate: '1974-08-03' }));
    assert.equal(e.comparison.birthDate, 'swapped');
    assert.equal(e.grade, 'certain');
  });

  it('keeps a patient who moved and changed phone at least probable', () => {
    const e = explainPair(base, variant({ address: [{ line: ['9 Harbour Street'], postalCode: '02110' }], telecom: [{ system: 'phone', value: '617 555 0000' }] }));
    assert.equal(e.comparison.address, 'different');
    assert.ok(e.grade === 'certain' || e.grade === 'probable', e.grade);
    assert.ok(e.weight < scorePair(base, structuredClone(base)).weight);
  });

  it('reads abbreviated street words as the same address', () => {
    const e = explainPair(base, variant({ address: [{ line: ['42 Maple Rd.'], postalCode: '61234' }] }));
    assert.equal(e.comparison.address, 'same');
  });

  it('weighs missing fields 0: a name-only record is weaker, never negative for what it lacks', () => {
    const sparse: Patient = { resourceType: 'Patient', name: [{ family: 'Hartmann', given: ['William'] }] };
    const e = explainPair(base, sparse);
    assert.deepEqual(Object.keys(e.comparison).sort(), ['family', 'given']);
    assert.ok(e.weight > 0);
    assert.notEqual(e.grade, 'certain');
  });

  it('never calls twins certain: same family, birth date, address and phone, other given names', () => {
    const twin = variant({ name: [{ family: 'Hartmann', given: ['Henry'] }] });
    const e = explainPair(base, twin);
    assert.equal(e.comparison.given, 'different');
    assert.ok(e.weight >= 24, 'the fields alone would say certain');
    assert.equal(e.grade, 'possible');
    const sister = variant({ name: [{ family: 'Hartmann', given: ['Wilma'] }], gender: 'female' });
    assert.notEqual(scorePair(base, sister).grade, 'certain');
  });

  it('never calls a father and son (Jr / Sr) certain', () => {
    const e = explainPair(base, variant({ birthDate: '2001-10-19' }));
    assert.equal(e.comparison.birthDate, 'different');
    assert.notEqual(e.grade, 'certain');
  });

  it('takes a shared person identifier as strong evidence, a conflicting one as strong evidence against', () => {
    const ssn = (value: string): Partial<Patient> => ({ identifier: [{ system: 'http://hl7.org/fhir/sid/us-ssn', value }] });
    const sparse: Patient = { resourceType: 'Patient', name: [{ family: 'Hartman', given: ['Will'] }], ...ssn('123-45-6789') };
    assert.equal(scorePair({ ...base, ...ssn('123-45-6789') }, sparse).grade, 'certain');
    const conflict = explainPair({ ...base, ...ssn('123-45-6789') }, { ...structuredClone(base), ...ssn('987-65-4321') });
    assert.equal(conflict.comparison.identifier, 'conflict');
    assert.notEqual(conflict.grade, 'certain');
  });

  it('does not count two different record numbers (MRNs) against a pair', () => {
    const mrn = (value: string): Partial<Patient> => ({ identifier: [{ system: 'urn:continuum:mrn', value }] });
    const e = explainPair({ ...base, ...mrn('M000-0000001') }, { ...structuredClone(base), ...mrn('M000-0000002') });
    assert.equal(e.comparison.identifier, undefined);
    assert.equal(e.grade, 'certain');
  });

  it('calls two unrelated people certainly-not, with a score near 0', () => {
    const other: Patient = {
      resourceType: 'Patient',
      name: [{ family: 'Nakamura', given: ['Aiko'] }],
      birthDate: '1991-12-30',
      gender: 'female',
      address: [{ line: ['7 Pine Court'], postalCode: '98101' }],
      telecom: [{ system: 'phone', value: '206 555 1234' }],
    };
    const s = scorePair(base, other);
    assert.equal(s.grade, 'certainly-not');
    assert.ok(s.score < 0.01, String(s.score));
  });

  it('is symmetric', () => {
    const b = variant({ ...named('HARTMAN', 'Bill'), birthDate: '1974-08-03' });
    assert.equal(scorePair(base, b).weight, scorePair(b, base).weight);
  });
});
