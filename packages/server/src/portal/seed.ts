/**
 * What the patient portal stores at every start, after the demo clinic (when it runs) is in place:
 * each part's seeder is idempotent, so a restart adds only what is missing (for example the next
 * weeks' free appointment slots).
 */
import { DEMO_SEED } from '../seed/demo.ts';
import { findSeedRun } from '../seed/seed-runs.ts';
import type { Repository } from '../store/repository.ts';
import { seedAccounts } from './accounts/seed.ts';
import { seedBilling } from './billing/seed.ts';
import { seedMessaging } from './messaging/seed.ts';
import { seedRecord } from './record/seed.ts';
import { seedScheduling } from './scheduling/seed.ts';

export interface PortalSeedOptions {
  /**
   * Seed the demo clinic's portal data (schedules and slots, statements, welcome messages). The
   * start passes `CONTINUUM_DEMO`; seedPortal narrows it to a tenant that holds the demo clinic.
   */
  demo: boolean;
  now?: Date;
}

/**
 * Whether this tenant holds the demo clinic (its seeding run finished): an install whose store
 * held real data when it first started never seeded the demo, and its real patients and
 * physicians get no invented slots, statements or messages, even with CONTINUUM_DEMO left on.
 */
export async function holdsDemoClinic(repo: Repository): Promise<boolean> {
  return (await findSeedRun(repo.queryable, repo.tenantId, DEMO_SEED))?.finished === true;
}

export async function seedPortal(repo: Repository, given: PortalSeedOptions): Promise<void> {
  const opts = { ...given, demo: given.demo && (await holdsDemoClinic(repo)) };
  await seedAccounts(repo, opts);
  await seedScheduling(repo, opts);
  await seedMessaging(repo, opts);
  await seedBilling(repo, opts);
  await seedRecord(repo, opts);
}
