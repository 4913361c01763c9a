/**
 * The demo pharmacies: seeded once (a second seeding writes nothing), found by the search the
 * prescribing form uses (`Organization?type=<NUCC 333600000X>`), each with the NCPDP ID a NewRx
 * is addressed to; the synthetic population's own pharmacy (the Organization managing a PHARM
 * Location) is given an NCPDP ID and the pharmacy type; and the clinic search the demo accounts
 * use (`type=prov`) finds none of the new ones.
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
    await repo.update('Organization', 'stonebridge', { resourceType: 'Organization', id: 'stonebridge', name: 'Stonebridge Community Pharmacy', type: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/organization-type', code: 'prov' }] }] });
    await repo.update('Location', 'stonebridge-loc', { resourceType: 'Location', id: 'stonebridge-loc', name: 'Stonebridge', type: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode', code: 'PHARM' }] }], managingOrganization: { reference: 'Organization/stonebridge' } });
    assert.equal(await seedDemoPharmacies(repo), 6);
    assert.equal(await seedDemoPharmacies(repo), 0);
    const adopted = (await repo.read('Organization', 'stonebridge')) as Organization;
    assert.equal(adopted.identifier?.find((i) => i.system === NCPDP_ID_SYSTEM)?.value, '9900201');
    const page = await repo.search(repo.parseCriteria('Organization', `type=${encodeURIComponent(PHARMACY_TYPE_TOKEN)}&_sort=name`), { count: 20 });
    const found = page.matches.map((m) => JSON.parse(m.content) as Organization);
    assert.equal(found.length, 6);
    assert.equal(found[0]!.name, 'Continuum Mail Order Pharmacy (demo)');
    for (const p of found) assert.match(p.identifier!.find((i) => i.system === NCPDP_ID_SYSTEM)!.value!, /^99\d{5}$/);
    assert.deepEqual((await repo.search(repo.parseCriteria('Organization', 'type=prov'), { count: 20 })).matches.map((m) => m.id), ['stonebridge']);
  });
});
