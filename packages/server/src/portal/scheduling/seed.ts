/**
 * What the portal's scheduling part stores at start (idempotent; see portal/seed.ts): always the
 * pre-visit intake form; with the demo clinic (on, and seeded in this tenant), a Schedule per clinic physician (a PractitionerRole
 * of code `doctor` at a clinic location, type GIM) and its Slots for the next 28 days. Each start
 * adds only the slots that do not exist yet, which rolls the bookable days forward; slots already
 * stored, free or busy, are left as they are.
 */
import type { Location, PractitionerRole, Resource } from '@medplum/fhirtypes';
import { VersionConflict } from '../../store/store.ts';
import type { Repository } from '../../store/repository.ts';
import type { PortalSeedOptions } from '../seed.ts';
import { demoSchedule, demoSlot, slotStarts } from './demo-schedules.ts';
import { INTAKE_QUESTIONNAIRE } from './intake-questionnaire.ts';

export const SLOT_DAYS = 28;
const BATCH = 500;
const DOCTOR_ROLE = 'http://terminology.hl7.org/CodeSystem/practitioner-role|doctor';
const CLINIC_LOCATION = 'GIM';

/** Creates those of `resources` that do not exist yet, in batches; a concurrent start's are skipped. */
async function createMissing(repo: Repository, resources: readonly Resource[]): Promise<number> {
  let created = 0;
  for (let i = 0; i < resources.length; i += BATCH) {
    const batch = resources.slice(i, i + BATCH);
    const existing = await repo.currentVersions(batch.map((r) => ({ resourceType: r.resourceType, id: r.id! })));
    const missing = batch.filter((r) => !existing.has(`${r.resourceType}/${r.id!}`));
    if (missing.length === 0) continue;
    try {
      await repo.commit(missing.map((r) => repo.prepare(repo.validate(r), r.id!, 0, 'create').write));
      created += missing.length;
    } catch (err) {
      // Another node starting at the same time stored them first.
      if (!(err instanceof VersionConflict)) throw err;
    }
  }
  return created;
}

/** The clinic physicians' roles: doctors whose first location is an outpatient clinic. */
async function clinicPhysicians(repo: Repository): Promise<PractitionerRole[]> {
  const roles = await repo.search(repo.parseCriteria('PractitionerRole', `role=${encodeURIComponent(DOCTOR_ROLE)}&active=true`), { count: 200 });
  const parsed = roles.matches.map((m) => JSON.parse(m.content) as PractitionerRole);
  const locationIds = [...new Set(parsed.flatMap((r) => (r.location?.[0]?.reference?.startsWith('Location/') ? [r.location[0].reference.slice(9)] : [])))];
  const locations = await repo.currentVersions(locationIds.map((id) => ({ resourceType: 'Location', id })));
  const isClinic = (ref: string | undefined): boolean => {
    const content = ref ? locations.get(ref)?.content : undefined;
    return !!content && ((JSON.parse(content) as Location).type ?? []).some((t) => t.coding?.some((c) => c.code === CLINIC_LOCATION));
  };
  return parsed.filter((r) => isClinic(r.location?.[0]?.reference));
}

export async function seedScheduling(repo: Repository, opts: PortalSeedOptions): Promise<void> {
  await createMissing(repo, [INTAKE_QUESTIONNAIRE]);
  if (!opts.demo) return;
  const schedules = (await clinicPhysicians(repo)).flatMap((role) => demoSchedule(role) ?? []);
  await createMissing(repo, schedules);
  const starts = slotStarts(opts.now ?? new Date(), SLOT_DAYS);
  await createMissing(repo, schedules.flatMap((s) => starts.map((start) => demoSlot(s.id!, start))));
}
