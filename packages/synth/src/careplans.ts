/**
 * CarePlans and Goals for conditions with well-established targets: A1c below 7% for diabetes
 * (ADA Standards of Care), blood pressure below 130/80 for hypertension (ACC/AHA 2017), asthma
 * control, and 5% weight loss for obesity. Each CarePlan (US Core assess-plan category, with
 * narrative) addresses the Condition and points at its Goal.
 */
import type { CarePlan, Goal } from '@medplum/fhirtypes';
import { ref } from './bundle.ts';
import { loinc } from './codes.ts';
import type { ChronicKey } from './conditions.ts';
import { emit, practitionerRef } from './context.ts';
import type { PatientContext, VisitRecord } from './context.ts';
import { qty } from './observations.ts';
import { DAY, YEAR, isoDate, isoDateTime } from './time.ts';

interface PlanSpec {
  title: string;
  goal: string;
  activities: string[];
  target?: Goal['target'];
}

const SPECS: Partial<Record<ChronicKey, PlanSpec>> = {
  t2dm: { title: 'Diabetes care plan', goal: 'Hemoglobin A1c below 7%', activities: ['Check A1c every 3-6 months', 'Diabetes self-management education', 'Yearly eye and foot exams'],
    target: [{ measure: { coding: [loinc('4548-4')] }, detailRange: { high: qty(7, '%') } }] },
  htn: { title: 'Hypertension care plan', goal: 'Blood pressure below 130/80 mmHg', activities: ['Home blood pressure monitoring', 'Reduce dietary sodium', 'Regular physical activity'],
    target: [{ measure: { coding: [loinc('8480-6')] }, detailRange: { high: qty(130, 'mm[Hg]') } }] },
  asthma: { title: 'Asthma action plan', goal: 'Asthma well controlled: rescue inhaler no more than twice a week', activities: ['Follow asthma action plan', 'Avoid known triggers', 'Review inhaler technique'] },
  obesity: { title: 'Weight management plan', goal: 'Lose 5% of body weight', activities: ['Nutrition counseling', '150 minutes of moderate activity per week'] },
};

function escape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function emitCarePlans(ctx: PatientContext, records: readonly VisitRecord[]): void {
  for (const [key, spec] of Object.entries(SPECS) as [ChronicKey, PlanSpec][]) {
    const condition = ctx.profile.get(key);
    const conditionId = ctx.conditionIds.get(key);
    if (!condition || !conditionId) continue;
    const record = records.find((r) => r.visit.start >= condition.onset && (r.visit.kind === 'followup' || r.visit.kind === 'well'));
    const start = record?.visit.start ?? condition.onset;
    const author = record?.visit.provider ?? ctx.person.pcp;
    const goal: Goal = {
      resourceType: 'Goal', id: ctx.ids.next('Goal'), lifecycleStatus: 'active',
      description: { text: spec.goal }, subject: ctx.patient, startDate: isoDate(start),
      target: (spec.target ?? [{}]).map((t) => ({ ...t, dueDate: isoDate(Math.max(start, ctx.now - 30 * DAY) + YEAR) })),
      expressedBy: practitionerRef(author), addresses: [ref('Condition', conditionId)],
    };
    emit(ctx, goal, record);
    const items = spec.activities.map((a) => `<li>${escape(a)}</li>`).join('');
    const plan: CarePlan = {
      resourceType: 'CarePlan', id: ctx.ids.next('CarePlan'),
      text: { status: 'generated', div: `<div xmlns="http://www.w3.org/1999/xhtml"><p>${escape(spec.title)}: ${escape(spec.goal)}.</p><ul>${items}</ul></div>` },
      status: 'active', intent: 'plan',
      category: [{ coding: [{ system: 'http://hl7.org/fhir/us/core/CodeSystem/careplan-category', code: 'assess-plan', display: 'Assessment and Plan of Treatment' }] }],
      title: spec.title, subject: ctx.patient, period: { start: isoDate(start) }, created: isoDateTime(start),
      author: practitionerRef(author), addresses: [ref('Condition', conditionId)], goal: [ref('Goal', goal.id ?? '')],
      activity: spec.activities.map((a) => ({ detail: { status: 'in-progress', description: a } })),
    };
    if (record) plan.encounter = ref('Encounter', record.encounterId);
    record?.plan.push(`Care plan: ${spec.title}.`);
    emit(ctx, plan, record);
  }
}
