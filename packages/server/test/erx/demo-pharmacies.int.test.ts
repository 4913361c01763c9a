/**
 * The demo pharmacies: seeded once (a second seeding writes nothing), found by the search the
 * prescribing form uses (`Organization?type=<NUCC 333600000X>`), each with the NCPDP ID a NewRx
 * is addressed to; and the clinic search the demo accounts use (`type=prov`) does not find them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Organization } from '@medplum/fhirtypes';
import { loadDefinitions, SearchParamRegistry } from '@continuum/fhir';
import { NCPDP_ID_SYSTEM, PHARMACY_TYPE_TOKEN } from '../../src/erx/codes.ts';
import { seedDemoPharmacies } from '../../src/seed/demo-pharmacies.ts';
import { createIndexer } from '../../src/store/indexer.ts';
import { Repository } from '../../src/store/repository.ts';
import { createTestDatabase, type TestDatabase } from '../fixtures/backend.ts';

let t: TestDatabase;
let repo: Repository;

before(async () => {
  loadDefinitions();
  t = await createTestDatabase();
  repo = new Repository({ db: t.db, indexer: createIndexer(SearchParamRegistry.r4()) }, 'default');
});
after(() => t.drop());

describe('demo pharmacies', () => {
  it('are seeded once and found by pharmacy type, each with an NCPDP ID', async () => {
    assert.equal(await seedDemoPharmacies(repo), 5);
    assert.equal(await seedDemoPharmacies(repo), 0);
    const page = await repo.search(repo.parseCriteria('Organization', `type=${encodeURIComponent(PHARMACY_TYPE_TOKEN)}&_sort=name`), { count: 20 });
    const found = page.matches.map((m) => JSON.parse(m.content) as Organization);
    assert.equal(found.length, 5);
    assert.equal(found[0]!.name, 'Continuum Mail Order Pharmacy (demo)');
    for (const p of found) assert.match(p.identifier!.find((i) => i.system === NCPDP_ID_SYSTEM)!.value!, /^99\d{5}$/);
    assert.equal((await repo.search(repo.parseCriteria('Organization', 'type=prov'), { count: 20 })).matches.length, 0);
  });
});
