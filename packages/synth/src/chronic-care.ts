/**
 * Chronic problems and their maintenance drugs: a problem-list Condition for every chronic
 * condition (linked to the visit that diagnosed it, when that visit is in the window) and the
 * regimen's MedicationRequests, authored at the first visit that managed the condition or, for
 * conditions diagnosed before the window, at diagnosis by the primary care provider.
 */
import { ref } from './bundle.ts';
import { chronicCondition } from './condition-resources.ts';
import type { PatientContext, VisitRecord } from './context.ts';
import { isPrescriber } from './directory.ts';
import { DRUGS, regimen } from './drugs.ts';
import type { DrugName } from './drugs.ts';
import type { ScenarioPlan } from './interactions.ts';
import { prescribe } from './medications.ts';
import { YEAR } from './time.ts';

export function emitProblems(ctx: PatientContext, records: readonly VisitRecord[]): void {
  const conditions = [...ctx.profile.values()].sort((a, b) => a.onset - b.onset);
  for (const c of conditions) chronicCondition(ctx, c, records.find((r) => r.visit.diagnoses.includes(c.key)));
}

export function emitChronicMeds(ctx: PatientContext, records: readonly VisitRecord[], plan: ScenarioPlan | undefined): void {
  const taken = new Set<DrugName>();
  const conditions = [...ctx.profile.values()].sort((a, b) => a.onset - b.onset);
  for (const c of conditions) {
    const conditionId = ctx.conditionIds.get(c.key);
    if (!conditionId) continue;
    const names = plan?.forced[c.key] ?? regimen(ctx.rng, c.key, c.severity, (c.onset - ctx.person.birth) / YEAR, taken);
    const record = records.find((r) => r.visit.diagnoses.includes(c.key))
      ?? records.find((r) => r.visit.start >= c.onset && (r.visit.kind === 'followup' || r.visit.kind === 'well') && isPrescriber(r.visit.provider.kind));
    for (const name of names) {
      if (taken.has(name)) continue;
      taken.add(name);
      prescribe(ctx, {
        drug: DRUGS[name], reason: ref('Condition', conditionId), authoredOn: record?.visit.end ?? c.onset,
        prescriber: record && isPrescriber(record.visit.provider.kind) ? record.visit.provider : ctx.person.pcp, ...(record ? { record } : {}),
      });
    }
  }
}
