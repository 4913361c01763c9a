/**
 * What happens during one encounter: vital signs shaped by the person's state that day (fever
 * with infections, low saturation with pneumonia or a flare), the acute diagnosis and its
 * treatment (allergy-aware antibiotic choice), a steroid burst for asthma or COPD flares, chronic
 * problems reviewed at follow-ups, and the lab panels drawn. Chronic prescriptions and
 * immunizations are added elsewhere.
 */
import { ref } from './bundle.ts';
import { acuteCondition } from './condition-resources.ts';
import type { PatientContext, VisitRecord } from './context.ts';
import { isPrescriber } from './directory.ts';
import { emitLabs, labOrders } from './labs.ts';
import { DRUGS } from './drugs.ts';
import type { Drug } from './drugs.ts';
import type { ScenarioPlan } from './interactions.ts';
import { prescribe } from './medications.ts';
import { vitalsAt } from './physiology.ts';
import { emitVitals } from './vitals.ts';

function antibiotic(rx: string, sig: string): Drug {
  return { rx, sig, perDay: /twice/.test(sig) ? 2 : /four/.test(sig) ? 4 : 1, dose: [1, /capsule/i.test(sig) ? 'capsule' : 'tablet'], route: 'oral' };
}

export function emitVisitContent(ctx: PatientContext, record: VisitRecord, plan: ScenarioPlan | undefined, recentAcuteAt: number | undefined): void {
  const v = record.visit;
  const flare = v.chronic.length > 0 && (v.kind === 'ed' || v.kind === 'inpatient');
  const vitals = vitalsAt(ctx.rng, ctx.person, ctx.profile, v.start, { fever: v.acute?.fever, lowSpo2: v.acute?.lowSpo2, flare });
  emitVitals(ctx, record, vitals, v.start + 5 * 60_000);
  const prescriber = isPrescriber(v.provider.kind) ? v.provider : ctx.person.pcp;
  if (v.acute) {
    const condition = acuteCondition(ctx, record, v.acute);
    const treat = v.acute.drug;
    if (treat && (v.kind !== 'ed' || ctx.rng.chance(0.7))) {
      const forced = plan?.recentAcute && recentAcuteAt === v.start ? plan.recentAcute.antibiotic : undefined;
      const rx = forced ?? (ctx.penicillinAllergy && treat.allergic ? treat.allergic : treat.usual);
      const sig = rx === '197517' ? 'Take 1 tablet by mouth twice daily for 7 days' : treat.sig;
      prescribe(ctx, { drug: antibiotic(rx, sig), reason: ref('Condition', condition.id ?? ''), authoredOn: v.end, prescriber, record, days: treat.days });
    }
  }
  if (flare) {
    const key = v.chronic[0];
    const conditionId = key ? ctx.conditionIds.get(key) : undefined;
    record.assessments.push(`Exacerbation of ${key ? ctx.profile.get(key)?.icd ?? '' : ''}.`);
    if (conditionId && (key === 'asthma' || key === 'copd')) {
      prescribe(ctx, { drug: DRUGS.prednisone10, reason: ref('Condition', conditionId), authoredOn: v.end, prescriber, record, days: 5 });
    }
  } else if (v.kind === 'followup' && v.diagnoses.length === 0) {
    for (const key of v.chronic) {
      const c = ctx.profile.get(key);
      if (c) record.assessments.push(`${c.icd}: ${c.severity > 0.6 ? 'not at goal, regimen reviewed' : 'stable'}.`);
    }
  }
  emitLabs(ctx, record, labOrders(ctx, record));
}
