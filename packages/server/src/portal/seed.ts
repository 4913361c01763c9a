/**
 * What the patient portal stores at every start, after the demo clinic (when it runs) is in place:
 * each part's seeder is idempotent, so a restart adds only what is missing (for example the next
 * weeks' free appointment slots).
 */
import type { Repository } from '../store/repository.ts';
import { seedAccounts } from './accounts/seed.ts';
import { seedBilling } from './billing/seed.ts';
import { seedMessaging } from './messaging/seed.ts';
import { seedRecord } from './record/seed.ts';
import { seedScheduling } from './scheduling/seed.ts';

export interface PortalSeedOptions {
  /** The demo clinic is on: seed its demo data (schedules and slots, statements, messages). */
  demo: boolean;
  now?: Date;
}

export async function seedPortal(repo: Repository, opts: PortalSeedOptions): Promise<void> {
  await seedAccounts(repo, opts);
  await seedScheduling(repo, opts);
  await seedMessaging(repo, opts);
  await seedBilling(repo, opts);
  await seedRecord(repo, opts);
}
