/**
 * The shipped order catalogue: every orderable LOINC code (and every panel member not marked
 * otherwise) is in the shipped LOINC list with the same display; the FHIR resources built from it
 * are valid R4, with order sets pointing only at definitions the catalogue has.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import type { ActivityDefinition, PlanDefinition } from '@medplum/fhirtypes';
import { loadDefinitions, validateResource } from '@continuum/fhir';
import { catalogueResources } from '../../src/orders/catalogue.ts';
import { readCatalogue } from '../../src/orders/seed-catalogue.ts';

const dir = new URL('../../terminology/', import.meta.url);
const shipped = new Map<string, string>();
for (const line of readFileSync(new URL('loinc.tsv', dir), 'utf8').split('\n').slice(1)) {
  const [code, display] = line.split('\t');
  if (code && display) shipped.set(code, display.trim());
}
for (const line of readFileSync(new URL('supplement.tsv', dir), 'utf8').split('\n').slice(1)) {
  const [table, code, display] = line.split('\t');
  if (table === 'loinc' && code && display) shipped.set(code, display.trim());
}

before(() => loadDefinitions());

describe('order catalogue', () => {
  it('orders only LOINC codes of the shipped list, with their shipped names', async () => {
    const file = await readCatalogue();
    for (const item of [...file.labs, ...file.imaging]) assert.equal(shipped.get(item.loinc), item.display, item.loinc);
    for (const [code, display] of Object.entries(file.members)) {
      if (file.notInStarterList.includes(code)) assert.ok(!shipped.has(code), `${code} is in the list now: unmark it`);
      else assert.equal(shipped.get(code), display, code);
    }
  });

  it('builds valid R4 resources; every order-set action resolves to a catalogue ActivityDefinition', async () => {
    const resources = catalogueResources(await readCatalogue());
    for (const r of resources) assert.deepEqual(validateResource(r), [], `${r.resourceType}/${r.id}`);
    const defs = new Set(resources.filter((r): r is ActivityDefinition => r.resourceType === 'ActivityDefinition').map((d) => `${d.url}|${d.version}`));
    const sets = resources.filter((r): r is PlanDefinition => r.resourceType === 'PlanDefinition');
    assert.equal(sets.length, 3);
    for (const s of sets) for (const a of s.action ?? []) assert.ok(defs.has(a.definitionCanonical!), a.definitionCanonical);
  });

  it('refuses a set naming a test the catalogue lacks', async () => {
    const file = await readCatalogue();
    assert.throws(() => catalogueResources({ ...file, sets: [{ key: 'x', title: 'X', description: '', labs: ['nope'] }] }), /no lab 'nope'/);
  });
});
