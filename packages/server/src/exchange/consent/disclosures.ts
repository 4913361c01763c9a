/**
 * The record of what left this deployment for another organization (or was refused): one row per
 * disclosure in `exchange_disclosure` (migration 019), with counts and never content, for the
 * patient's "who holds my data" (`$data-holders`) and for reports. Referrals, messaging and
 * notifications call `recordDisclosure` too; the audit trail records each disclosure as well.
 * This module is the only code that reads or writes the table.
 */
import type { Repository } from '../../store/repository.ts';
import type { PurposeOfUse } from '../types.ts';

export type DisclosureKind = 'match' | 'query' | 'referral' | 'message' | 'notification';

export interface Disclosure {
  patient: string;
  organizationId: string;
  organizationName: string;
  purpose: PurposeOfUse;
  kind: DisclosureKind;
  /** How many resources went out (0 when denied). */
  resources: number;
  outcome: 'disclosed' | 'denied';
  at?: Date;
}

/** What one organization received of one patient's record, summed over the disclosures. */
export interface DisclosureSummary {
  organizationId: string;
  organizationName: string;
  /** The latest disclosure that went out (undefined when every one was denied). */
  lastDisclosed?: string;
  kinds: DisclosureKind[];
}

export async function recordDisclosure(repo: Repository, d: Disclosure): Promise<void> {
  await repo.queryable.query(
    `INSERT INTO exchange_disclosure (tenant_id, patient_id, organization_id, organization_name, purpose, kind, resources, outcome, at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [repo.tenantId, d.patient, d.organizationId, d.organizationName, d.purpose, d.kind, Math.max(0, Math.trunc(d.resources)), d.outcome, d.at ?? new Date()],
  );
}

/** Per organization, what went out of this patient's record (denied attempts alone do not count). */
export async function disclosuresOf(repo: Repository, patientId: string): Promise<DisclosureSummary[]> {
  const { rows } = await repo.queryable.query<{ organization_id: string; organization_name: string; last: Date | string; kinds: string }>(
    `SELECT organization_id, max(organization_name) AS organization_name, max(at) AS last, string_agg(DISTINCT kind, ',') AS kinds
       FROM exchange_disclosure WHERE tenant_id = $1 AND patient_id = $2 AND outcome = 'disclosed'
      GROUP BY organization_id ORDER BY max(at) DESC`,
    [repo.tenantId, patientId],
  );
  return rows.map((r) => ({
    organizationId: r.organization_id,
    organizationName: r.organization_name,
    lastDisclosed: new Date(r.last).toISOString(),
    kinds: r.kinds.split(',').sort() as DisclosureKind[],
  }));
}
