/**
 * What this tenant did with what partners sent (table `exchange_received`, migration 019: one row
 * per patient and remote item URL, the latest decision winning) and which partner records its
 * patients were retrieved from (`exchange_link`). The only code that reads or writes them.
 */
import type { Queryable } from '../../db/database.ts';

export type ReceivedDecision = 'accepted' | 'rejected' | 'merged';

export interface Received {
  sourceUrl: string;
  organizationId: string;
  decision: ReceivedDecision;
  localRef?: string;
}

export class ReceivedStore {
  constructor(
    private readonly q: Queryable,
    private readonly tenantId: string,
  ) {}

  async decide(patientId: string, r: Received, by: string, at: Date): Promise<void> {
    await this.q.query(
      `INSERT INTO exchange_received (tenant_id, patient_id, source_url, organization_id, decision, local_ref, decided_by, decided_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (tenant_id, patient_id, source_url) DO UPDATE SET organization_id = EXCLUDED.organization_id, decision = EXCLUDED.decision,
         local_ref = EXCLUDED.local_ref, decided_by = EXCLUDED.decided_by, decided_at = EXCLUDED.decided_at`,
      [this.tenantId, patientId, r.sourceUrl, r.organizationId, r.decision, r.localRef ?? null, by, at],
    );
  }

  /** The decisions on these remote URLs for this patient, by URL. */
  async decisions(patientId: string, urls: readonly string[]): Promise<Map<string, Received>> {
    if (urls.length === 0) return new Map();
    const { rows } = await this.q.query<{ source_url: string; organization_id: string; decision: ReceivedDecision; local_ref: string | null }>(
      `SELECT source_url, organization_id, decision, local_ref FROM exchange_received WHERE tenant_id = $1 AND patient_id = $2 AND source_url = ANY($3::text[])`,
      [this.tenantId, patientId, [...urls]],
    );
    return new Map(rows.map((r) => [r.source_url, { sourceUrl: r.source_url, organizationId: r.organization_id, decision: r.decision, ...(r.local_ref ? { localRef: r.local_ref } : {}) }]));
  }

  /** The organizations this patient's record holds accepted or merged items from. */
  async sources(patientId: string): Promise<Set<string>> {
    const { rows } = await this.q.query<{ organization_id: string }>(
      `SELECT DISTINCT organization_id FROM exchange_received WHERE tenant_id = $1 AND patient_id = $2 AND decision IN ('accepted', 'merged')`,
      [this.tenantId, patientId],
    );
    return new Set(rows.map((r) => r.organization_id));
  }

  async link(patientId: string, organizationId: string, remotePatient: string, at: Date): Promise<void> {
    await this.q.query(
      `INSERT INTO exchange_link (tenant_id, patient_id, organization_id, remote_patient, retrieved_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (tenant_id, patient_id, organization_id, remote_patient) DO UPDATE SET retrieved_at = EXCLUDED.retrieved_at`,
      [this.tenantId, patientId, organizationId, remotePatient, at],
    );
  }

  /** The partner records this patient was retrieved from, latest first. */
  async links(patientId: string): Promise<{ organizationId: string; remotePatient: string; retrievedAt: string }[]> {
    const { rows } = await this.q.query<{ organization_id: string; remote_patient: string; retrieved_at: Date | string }>(
      `SELECT organization_id, remote_patient, retrieved_at FROM exchange_link WHERE tenant_id = $1 AND patient_id = $2 ORDER BY retrieved_at DESC`,
      [this.tenantId, patientId],
    );
    return rows.map((r) => ({ organizationId: r.organization_id, remotePatient: r.remote_patient, retrievedAt: new Date(r.retrieved_at).toISOString() }));
  }
}
