/**
 * What scheduling seeds at start: the intake form always; with the demo (on, and its clinic seeded
 * in the tenant: never for a store of real data), a Schedule for each clinic physician only (not a
 * hospital doctor, not a nurse) and 20-minute slots on weekdays 09:00-12:00
 * and 13:00-17:00 (server time) over 28 days, a few of them busy. Seeding again adds nothing, and
 * a later start adds only the days that came into reach.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Schedule, Slot } from '@medplum/fhirtypes';
import { loadDefinitions, SearchParamRegistry } from '@continuum/fhir';
import { seedPortal } from '../../src/portal/seed.ts';
import { seedScheduling, SLOT_DAYS } from '../../src/portal/scheduling/seed.ts';
import { DEMO_SEED } from '../../src/seed/demo.ts';
import { advanceSeedRun, claimSeedRun } from '../../src/seed/seed-runs.ts';
import { createIndexer } from '../../src/store/indexer.ts';
import { Repository } from '../../src/store/repository.ts';
import { createTestDatabase, type TestDatabase } from '../fixtures/backend.ts';

let t: TestDatabase;
let repo: Repository;

const ROLE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/practitioner-role';
const LOCATION_TYPE = 'http://terminology.hl7.org/CodeSystem/v3-RoleCode';
/** Slots a weekday holds: three morning hours and four afternoon hours of 20-minute slots. */
const PER_WEEKDAY = (3 + 4) * 3;
/** A Monday, 10:00 server time. */
const MONDAY = new Date(2026, 5, 1, 10, 0);

async function staff(id: string, role: string, location: string): Promise<void> {
  await repo.update('Practitioner', id, { resourceType: 'Practitioner', id, name: [{ family: id }] });
  await repo.update('PractitionerRole', `${id}-role`, {
    resourceType: 'PractitionerRole',
    id: `${id}-role`,
    active: true,
    practitioner: { reference: `Practitioner/${id}` },
    code: [{ coding: [{ system: ROLE_SYSTEM, code: role }] }],
    location: [{ reference: `Location/${location}` }],
  });
}

const count = async (type: string, criteria: string): Promise<number> => repo.count(repo.parseCriteria(type, criteria));

before(async () => {
  loadDefinitions();
  t = await createTestDatabase();
  repo = new Repository({ db: t.db, indexer: createIndexer(SearchParamRegistry.r4()) }, 'default');
  await repo.update('Location', 'clinic', { resourceType: 'Location', id: 'clinic', name: 'Clinic', type: [{ coding: [{ system: LOCATION_TYPE, code: 'GIM' }] }] });
  await repo.update('Location', 'er', { resourceType: 'Location', id: 'er', name: 'Emergency', type: [{ coding: [{ system: LOCATION_TYPE, code: 'ER' }] }] });
  await staff('gp', 'doctor', 'clinic');
  await staff('ed-doc', 'doctor', 'er');
  await staff('rn', 'nurse', 'clinic');
});
after(() => t.drop());

describe('scheduling seed', () => {
  it('stores only the intake form without the demo', async () => {
    await seedScheduling(repo, { demo: false, now: MONDAY });
    assert.equal(await count('Questionnaire', 'url=https://continuum.dev/fhir/Questionnaire/pre-visit-intake'), 1);
    assert.equal(await count('Schedule', 'active=true'), 0);
  });

  it('invents no schedules, statements or messages for a store whose demo clinic was never seeded', async () => {
    // A real patient of the clinic's physician, with a visit: what the demo seeders would bill and greet.
    await repo.update('Patient', 'p1', { resourceType: 'Patient', id: 'p1', name: [{ family: 'Real' }], generalPractitioner: [{ reference: 'Practitioner/gp' }] });
    await repo.update('Encounter', 'e1', { resourceType: 'Encounter', id: 'e1', status: 'finished', class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' }, subject: { reference: 'Patient/p1' }, period: { start: '2026-05-01T10:00:00Z', end: '2026-05-01T10:20:00Z' }, location: [{ location: { reference: 'Location/clinic' } }] });
    await seedPortal(repo, { demo: true, now: MONDAY });
    assert.equal(await count('Schedule', 'active=true'), 0);
    assert.equal(await count('Account', 'subject=Patient/p1'), 0);
    assert.equal(await count('Invoice', 'subject=Patient/p1'), 0);
    assert.equal(await count('Communication', 'subject=Patient/p1'), 0);
    assert.equal(await count('Questionnaire', 'url=https://continuum.dev/fhir/Questionnaire/pre-visit-intake'), 1, 'the intake form is stored all the same');
  });

  it('gives each clinic physician a schedule and four weeks of weekday slots in opening hours', async () => {
    // The demo clinic's seeding run, finished (a population of none: the directory is made above).
    await advanceSeedRun(t.db, await claimSeedRun(t.db, 'default', DEMO_SEED, 0), { nextIndex: 0, resources: 0 });
    await seedScheduling(repo, { demo: true, now: MONDAY });
    const schedules = (await repo.search(repo.parseCriteria('Schedule', 'active=true'), { count: 10 })).matches.map((m) => JSON.parse(m.content) as Schedule);
    assert.deepEqual(schedules.map((s) => s.actor.map((a) => a.reference)), [['Practitioner/gp', 'Location/clinic']]);
    assert.deepEqual(schedules[0]!.serviceType?.map((s) => s.coding?.[0]?.code).sort(), ['annual-physical', 'follow-up', 'new-patient', 'sick-visit']);
    const page = await repo.search(repo.parseCriteria('Slot', `schedule=Schedule/${schedules[0]!.id!}`), { count: 1000 });
    const slots = page.matches.map((m) => JSON.parse(m.content) as Slot);
    assert.equal(SLOT_DAYS, 28);
    assert.equal(slots.length, 20 * PER_WEEKDAY, 'four weeks of five weekdays');
    for (const s of slots) {
      const start = new Date(s.start);
      const hour = start.getHours() + start.getMinutes() / 60;
      assert.ok(start.getDay() >= 1 && start.getDay() <= 5, s.start);
      assert.ok((hour >= 9 && hour < 12) || (hour >= 13 && hour < 17), s.start);
      assert.equal(start.getMinutes() % 20, 0, s.start);
      assert.equal(Date.parse(s.end) - start.getTime(), 20 * 60_000);
    }
    const busy = slots.filter((s) => s.status === 'busy').length;
    assert.ok(busy > 0 && busy < slots.length / 4, `a few busy: ${busy}`);
  });

  it('adds nothing when seeded again, and rolls forward a week later', async () => {
    const before = await count('Slot', 'schedule=Schedule/sched-gp');
    await seedScheduling(repo, { demo: true, now: MONDAY });
    assert.equal(await count('Slot', 'schedule=Schedule/sched-gp'), before);
    await seedScheduling(repo, { demo: true, now: new Date(2026, 5, 8, 10, 0) });
    assert.equal(await count('Slot', 'schedule=Schedule/sched-gp'), before + 5 * PER_WEEKDAY);
    assert.equal(await count('Schedule', 'active=true'), 1);
  });
});
