/** What the portal's scheduling part stores at start (idempotent; see portal/seed.ts). */
import type { Repository } from '../../store/repository.ts';
import type { PortalSeedOptions } from '../seed.ts';

export async function seedScheduling(_repo: Repository, _opts: PortalSeedOptions): Promise<void> {}
