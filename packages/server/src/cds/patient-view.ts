/**
 * The `patient-view` service: reads the problem list, the last HbA1c and blood pressure, recent
 * laboratory results, reports and review Tasks (prefetch or FHIR API), and answers reminder cards
 * (info) and one critical card per unreviewed critical result, linking to the chart's results
 * (`<origin>/patients/<id>/results`).
 */
import type { Condition, DiagnosticReport, Observation, Task } from '@medplum/fhirtypes';
import { nameUuid } from './card-id.ts';
import type { ServiceRun } from './order-service.ts';
import { RULE_SYSTEM } from './override-reasons.ts';
import { careReminders, describeResult, unreviewedCritical } from './patient-view-rules.ts';
import type { FhirGateway } from './fhir-gateway.ts';
import { fetchRecord } from './record.ts';
import type { Card, HookRequest } from './types.ts';

const KEYS = ['conditions', 'hba1c', 'bloodPressure', 'labResults', 'reports', 'reviews'] as const;
const LABEL = 'Continuum care reminders';

export async function runPatientView(serviceId: string, req: HookRequest, env: { fhir: FhirGateway; now: Date; appOrigin: string }): Promise<ServiceRun> {
  const record = await fetchRecord(req, KEYS, env.fhir);
  const l = record.lists;
  const of = <T>(type: string, list: readonly unknown[] | undefined): T[] => (list ?? []).filter((r) => (r as { resourceType: string }).resourceType === type) as T[];
  const observations = [...of<Observation>('Observation', l.hba1c), ...of<Observation>('Observation', l.bloodPressure), ...of<Observation>('Observation', l.labResults)];
  const patientId = req.context.patientId;
  const resultsUrl = `${env.appOrigin}/patients/${encodeURIComponent(patientId)}/results`;
  const cards: Card[] = [];
  const rules: string[] = [];
  for (const o of unreviewedCritical({ observations: of<Observation>('Observation', l.labResults), reports: of<DiagnosticReport>('DiagnosticReport', l.reports), reviews: of<Task>('Task', l.reviews), now: env.now })) {
    const text = describeResult(o);
    cards.push({
      uuid: nameUuid(serviceId, req.hookInstance, `critical-result:Observation/${o.id}`),
      summary: `Critical result not yet reviewed: ${text}`.slice(0, 140),
      detail: `**${text}** has not been acknowledged. Review it and act on it; acknowledging it in the inbox clears this alert.`,
      indicator: 'critical',
      source: { label: 'Continuum critical results', topic: { system: RULE_SYSTEM, code: 'critical-result', display: 'Critical result not reviewed' } },
      links: [{ label: 'Open the results', url: resultsUrl, type: 'absolute' }],
    });
    rules.push('critical-result');
  }
  for (const r of careReminders({ patient: record.patient, conditions: of<Condition>('Condition', l.conditions), observations, now: env.now })) {
    cards.push({
      uuid: nameUuid(serviceId, req.hookInstance, r.rule),
      summary: r.summary,
      detail: `${r.detail}\n\n**Source**: [${r.source.label}](${r.source.url})`,
      indicator: 'info',
      source: { label: LABEL, url: r.source.url, topic: { system: RULE_SYSTEM, code: r.rule } },
    });
    rules.push(r.rule);
  }
  const issued = cards.map((c, i) => ({ uuid: c.uuid!, serviceId, hookInstance: req.hookInstance, patientId, rule: rules[i]!, indicator: c.indicator, summary: c.summary }));
  return { cards, issued };
}
