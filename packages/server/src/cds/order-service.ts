/**
 * The `order-select` and `order-sign` services: read the record (prefetch or FHIR API), run the
 * order checks over the drafts, and answer a card per finding. `order-sign` checks every draft;
 * `order-select` only reports findings about the selected drafts (the other drafts still count as
 * part of the record, so a selection that interacts with another draft is flagged).
 */
import type { MedicationRequest, ServiceRequest } from '@medplum/fhirtypes';
import type { OrderCheckFinding, OrderCheckInput } from '../medications/check-types.ts';
import type { IssuedCard } from './card-log.ts';
import type { FhirGateway } from './fhir-gateway.ts';
import { findingCard } from './order-cards.ts';
import { orderCheckInput } from './order-input.ts';
import { fetchRecord } from './record.ts';
import type { PrefetchKey } from './services.ts';
import type { Card, HookRequest } from './types.ts';

export type OrderChecks = (input: OrderCheckInput) => OrderCheckFinding[];

export interface ServiceRun {
  cards: Card[];
  /** What to log for feedback matching, one per card. */
  issued: IssuedCard[];
}

/** What the checks of each kind of draft read: medication checks the medicines, allergies and weight; lab checks the recent labs. */
const MEDICATION_KEYS: readonly PrefetchKey[] = ['medications', 'statements', 'allergies', 'weight'];
const LAB_KEYS: readonly PrefetchKey[] = ['labOrders', 'labResults'];

export async function runOrderService(
  serviceId: string,
  req: HookRequest,
  env: { fhir: FhirGateway; checks: OrderChecks; now: Date; appOrigin: string },
): Promise<ServiceRun> {
  const drafts = (req.context.draftOrders?.entry ?? []).map((e) => e.resource as MedicationRequest | ServiceRequest);
  if (drafts.length === 0) return { cards: [], issued: [] };
  // Only what the drafts' checks use is read (a medication-only order reads no labs).
  const keys = [...(drafts.some((d) => d.resourceType === 'MedicationRequest') ? MEDICATION_KEYS : []), ...(drafts.some((d) => d.resourceType === 'ServiceRequest') ? LAB_KEYS : [])];
  const record = await fetchRecord(req, keys, env.fhir);
  let findings = env.checks(orderCheckInput(record, drafts, env.now));
  if (req.hook === 'order-select') {
    const selected = new Set(req.context.selections ?? []);
    findings = findings.filter((f) => {
      const d = drafts[f.draftIndex];
      return d !== undefined && selected.has(`${d.resourceType}/${d.id}`);
    });
  }
  const ctx = { hookInstance: req.hookInstance, serviceId, patientId: req.context.patientId, appOrigin: env.appOrigin };
  const cards = findings.map((f) => findingCard(f, drafts, ctx));
  const issued = cards.map((c, i) => ({ uuid: c.uuid!, serviceId, hookInstance: req.hookInstance, patientId: req.context.patientId, rule: findings[i]!.rule, indicator: c.indicator, summary: c.summary }));
  return { cards, issued };
}
