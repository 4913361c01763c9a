/** The terminology search index on a small hand-made list: matching, ranking, paging and lookup. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { CodeIndex } from '../../src/terminology/code-index.ts';
import { systemOfUri, systemOfValueSet } from '../../src/terminology/systems.ts';

const index = new CodeIndex([
  { code: 'J45', display: 'Asthma' },
  { code: 'J45.909', display: 'Unspecified asthma, uncomplicated' },
  { code: 'J45.20', display: 'Mild intermittent asthma, uncomplicated' },
  { code: 'M35.00', display: 'Sjögren syndrome, unspecified' },
  { code: 'A45', display: 'Asthmatic bronchitis (made up)' },
  { code: 'E11.9', display: 'Type 2 diabetes mellitus without complications' },
  { code: 'E11', display: 'Type 2 diabetes mellitus' },
]);
const codes = (filter: string, offset?: number, count?: number): string[] => index.search(filter, offset, count).concepts.map((c) => c.code);

it('matches when every word starts a word of the display, in any order', () => {
  assert.deepEqual(codes('uncompl asth'), ['J45.909', 'J45.20']);
  assert.deepEqual(codes('diab 2 type'), ['E11', 'E11.9']);
  assert.deepEqual(codes('sthma'), [], 'inside a word does not match');
});

it('ranks the exact code first, then displays starting with the filter, then the rest, shorter first', () => {
  // "Asthma" and "Asthmatic bronchitis" both start with the filter; shorter first, then the rest.
  assert.deepEqual(codes('asthma'), ['J45', 'A45', 'J45.909', 'J45.20']);
  assert.deepEqual(codes('mild asthma'), ['J45.20']);
  assert.deepEqual(codes('j45'), ['J45', 'J45.909', 'J45.20'], 'code prefixes rank with the rest: shorter display first');
});

it('ignores case, accents and the dot of a code', () => {
  assert.deepEqual(codes('SJOGREN'), ['M35.00']);
  assert.deepEqual(codes('sjögren'), ['M35.00']);
  assert.deepEqual(codes('e119'), ['E11.9']);
  assert.deepEqual(codes('E11.9'), ['E11.9']);
});

it('pages and counts every match', () => {
  assert.equal(index.search('asthm').total, 4);
  assert.deepEqual(codes('asthm', 1, 2), ['A45', 'J45.909']);
  assert.deepEqual(codes('asthm', 10, 2), []);
});

it('looks up a code exactly as the system writes it', () => {
  assert.equal(index.lookup('E11.9')?.display, 'Type 2 diabetes mellitus without complications');
  assert.equal(index.lookup('e11.9'), undefined);
});

it('knows the systems by implicit value set or plain URI', () => {
  assert.equal(systemOfValueSet('http://hl7.org/fhir/sid/icd-10-cm?fhir_vs')?.key, 'icd10cm');
  assert.equal(systemOfValueSet('http://loinc.org/vs')?.key, 'loinc');
  assert.equal(systemOfValueSet('http://www.nlm.nih.gov/research/umls/rxnorm')?.key, 'rxnorm');
  assert.equal(systemOfValueSet('http://example.org/vs'), undefined);
  assert.equal(systemOfUri('http://hl7.org/fhir/sid/cvx')?.key, 'cvx');
});
