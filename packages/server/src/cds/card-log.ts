/**
 * The issued-card log: which service issued which card, about which patient and under which rule.
 * Feedback names only a card's uuid; this is how it is tied back to what the clinician saw. The
 * only module that touches the `cds_card` table (migration 014).
 */
import type { Queryable } from '../db/database.ts';
import type { Card } from './types.ts';

export interface IssuedCard {
  uuid: string;
  serviceId: string;
  hookInstance: string;
  patientId: string;
  rule: string;
  indicator: Card['indicator'];
  summary: string;
}

const KEEP_DAYS = 30;

export class CardLog {
  constructor(private readonly db: Queryable) {}

  async record(tenant: string, cards: readonly IssuedCard[], now: Date): Promise<void> {
    if (cards.length === 0) return;
    const cols = ['uuid', 'serviceId', 'hookInstance', 'patientId', 'rule', 'indicator', 'summary'] as const;
    const arrays = cols.map((c) => cards.map((card) => card[c]));
    await this.db.query(
      `INSERT INTO cds_card (tenant_id, uuid, service_id, hook_instance, patient_id, rule, indicator, summary, issued_at)
       SELECT $1, * , $9::timestamptz FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
       ON CONFLICT (tenant_id, uuid) DO NOTHING`,
      [tenant, ...arrays, now.toISOString()],
      { name: 'cds_card_insert' },
    );
    // Prune now and then (about one call in 256), so the table holds weeks, not years.
    if (cards[0]!.uuid.endsWith('0') && cards[0]!.uuid.at(-2) === '0') {
      await this.db.query(`DELETE FROM cds_card WHERE issued_at < $1::timestamptz`, [new Date(now.getTime() - KEEP_DAYS * 86_400_000).toISOString()]);
    }
  }

  async find(tenant: string, uuids: readonly string[]): Promise<Map<string, IssuedCard>> {
    if (uuids.length === 0) return new Map();
    const res = await this.db.query<{ uuid: string; service_id: string; hook_instance: string; patient_id: string; rule: string; indicator: Card['indicator']; summary: string }>(
      `SELECT uuid, service_id, hook_instance, patient_id, rule, indicator, summary FROM cds_card WHERE tenant_id = $1 AND uuid = ANY($2::text[])`,
      [tenant, uuids],
    );
    return new Map(res.rows.map((r) => [r.uuid, { uuid: r.uuid, serviceId: r.service_id, hookInstance: r.hook_instance, patientId: r.patient_id, rule: r.rule, indicator: r.indicator, summary: r.summary }]));
  }
}
