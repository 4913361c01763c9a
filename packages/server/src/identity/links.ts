/**
 * Whether the FHIR resource an account is linked to (its Practitioner, Patient, Organization...)
 * exists in the tenant's store. Accounts may be created before their resources (the first admin
 * of an empty install has no Practitioner yet), so a missing link is reported, not refused.
 */
import type { Queryable } from '../db/database.ts';
import { readCurrent } from '../store/store.ts';
import { REFERENCE_PATTERN } from './types.ts';

/** The references among `references` that name no current (undeleted) resource of the tenant. */
export async function missingLinks(q: Queryable, tenantId: string, references: readonly string[]): Promise<string[]> {
  const missing: string[] = [];
  for (const ref of references) {
    const m = REFERENCE_PATTERN.exec(ref);
    const cur = m ? await readCurrent(q, tenantId, m[1]!, m[2]!) : undefined;
    if (!cur || cur.deleted) missing.push(ref);
  }
  return missing;
}
