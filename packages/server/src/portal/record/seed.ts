/** What the portal's record part stores at start (idempotent; see portal/seed.ts). */
import type { Repository } from '../../store/repository.ts';
import type { PortalSeedOptions } from '../seed.ts';

export async function seedRecord(_repo: Repository, _opts: PortalSeedOptions): Promise<void> {}
