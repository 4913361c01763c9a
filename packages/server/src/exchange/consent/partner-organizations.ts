/**
 * The organizations a patient's exchange consent is shown against: the tenant's partner
 * Organizations (meta.tag PARTNER_TAG, whether the directory service is running or not) plus any
 * Organization a Consent of the patient names. Each comes with its display name.
 */
import type { Consent, Organization } from '@medplum/fhirtypes';
import type { Repository } from '../../store/repository.ts';
import { PARTNER_TAG } from '../codes.ts';
import { organizationIds } from './consent.ts';

const MAX_PARTNERS = 200;

export async function consentOrganizations(repo: Repository, consents: readonly Consent[]): Promise<{ id: string; name: string }[]> {
  const page = await repo.search(repo.parseCriteria('Organization', `_tag=${encodeURIComponent(`${PARTNER_TAG.system}|${PARTNER_TAG.code}`)}&_sort=name`), { count: MAX_PARTNERS });
  const byId = new Map<string, string>();
  for (const m of page.matches) byId.set(m.id, (JSON.parse(m.content) as Organization).name ?? `Organization/${m.id}`);
  for (const actor of consents.flatMap((c) => c.provision?.actor ?? [])) {
    const [id] = organizationIds([actor.reference?.reference]);
    if (id !== undefined && !byId.has(id)) byId.set(id, actor.reference?.display ?? `Organization/${id}`);
  }
  return [...byId].map(([id, name]) => ({ id, name }));
}
