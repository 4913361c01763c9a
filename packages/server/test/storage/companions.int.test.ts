/**
 * Storage suite: companion writes. A companion's resources are committed in the same transaction
 * as the write that causes them (plain create, update, delete and a batched transaction write),
 * a companion that fails takes the write down with it, and companion writes trigger no further
 * companions.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Flag, Observation, Patient } from '@medplum/fhirtypes';
import { loadDefinitions, SearchParamRegistry } from '@continuum/fhir';
import { Companions } from '../../src/store/companions.ts';
import { createIndexer } from '../../src/store/indexer.ts';
import { Repository } from '../../src/store/repository.ts';
import { createTestDatabase, type TestDatabase } from '../fixtures/backend.ts';

let t: TestDatabase;
let repo: Repository;

/** Flags written for `patient`, by their code text. */
async function flagsOf(patient: string): Promise<string[]> {
  const page = await repo.search(repo.parseCriteria('Flag', `patient=Patient/${patient}`), { count: 50 });
  return page.matches.map((m) => (JSON.parse(m.content) as Flag).code.text ?? '').sort();
}

before(async () => {
  loadDefinitions();
  t = await createTestDatabase();
  // A critical potassium raises a Flag on its patient; a deleted Observation leaves a Flag saying so;
  // an Observation coded "explode" makes its companion fail; a Flag's companion would loop if companions chained.
  const companions = new Companions([
    [
      'Observation',
      async (trigger, r) => {
        if (trigger.resource === null) return [{ resource: { resourceType: 'Flag', status: 'inactive', code: { text: `deleted ${trigger.id}` }, subject: { reference: 'Patient/p1' } } }];
        const obs = trigger.resource as Observation;
        if (obs.code.text === 'explode') throw new Error('companion failed');
        if (obs.interpretation?.[0]?.coding?.[0]?.code !== 'HH') return [];
        // Reads through the write's own transaction: the patient it points at.
        const patient = await r.read('Patient', obs.subject!.reference!.split('/')[1]!);
        return [{ resource: { resourceType: 'Flag', status: 'active', code: { text: `critical v${trigger.previousVersion + 1} for ${(patient as Patient).name?.[0]?.family}` }, subject: { reference: obs.subject!.reference! } } }];
      },
    ],
    ['Flag', async () => [{ resource: { resourceType: 'Flag', status: 'active', code: { text: 'a companion of a companion' }, subject: { reference: 'Patient/p1' } } }]],
  ]);
  repo = new Repository({ db: t.db, indexer: createIndexer(SearchParamRegistry.r4()), companions }, 'org-a');
  await repo.update('Patient', 'p1', { resourceType: 'Patient', id: 'p1', name: [{ family: 'Kowalski' }] });
});
after(() => t.drop());

const potassium = (value: number, critical: boolean, text = 'Potassium'): Observation => ({
  resourceType: 'Observation',
  status: 'final',
  code: { text },
  subject: { reference: 'Patient/p1' },
  valueQuantity: { value, unit: 'mmol/L' },
  ...(critical ? { interpretation: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation', code: 'HH' }] }] } : {}),
});

describe('companion writes', () => {
  it('commits what a create derives, reading in the same transaction, and nothing for writes it ignores', async () => {
    await repo.create(potassium(4.1, false));
    assert.deepEqual(await flagsOf('p1'), []);
    const { resource } = await repo.create(potassium(6.9, true));
    assert.deepEqual(await flagsOf('p1'), ['critical v1 for Kowalski']);
    // An update knows the version it replaces.
    await repo.update('Observation', resource.id!, { ...resource, valueQuantity: { value: 7.0, unit: 'mmol/L' } });
    assert.deepEqual(await flagsOf('p1'), ['critical v1 for Kowalski', 'critical v2 for Kowalski']);
  });

  it('runs for deletions, and companions of companions do not run', async () => {
    const { resource } = await repo.create(potassium(4.0, false));
    await repo.delete('Observation', resource.id!);
    const flags = await flagsOf('p1');
    assert.ok(flags.includes(`deleted ${resource.id}`));
    assert.ok(!flags.includes('a companion of a companion'));
  });

  it('rolls the write back when its companion fails', async () => {
    const before = (await repo.search(repo.parseCriteria('Observation', 'subject=Patient/p1'), { count: 100 })).matches.length;
    await assert.rejects(repo.create(potassium(5, true, 'explode')), /companion failed/);
    const after = (await repo.search(repo.parseCriteria('Observation', 'subject=Patient/p1'), { count: 100 })).matches.length;
    assert.equal(after, before, 'the Observation was not stored');
  });

  it('runs inside an explicit transaction, with the batched writes', async () => {
    await repo.update('Patient', 'p2', { resourceType: 'Patient', id: 'p2', name: [{ family: 'Nakamura' }] });
    await repo.inTransaction(async (tx) => {
      const a = tx.prepare({ ...potassium(7.2, true), subject: { reference: 'Patient/p2' } }, 'obs-a', 0, 'create');
      const b = tx.prepare({ ...potassium(3.9, false), subject: { reference: 'Patient/p2' } }, 'obs-b', 0, 'create');
      await tx.commit([a.write, b.write]);
    });
    assert.deepEqual(await flagsOf('p2'), ['critical v1 for Nakamura']);
  });
});
