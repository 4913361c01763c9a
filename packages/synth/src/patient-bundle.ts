/**
 * Generates one patient's transaction Bundle from (seed, index) alone: demographics, chronic
 * profile, interaction scenario, visit timeline, then each visit's content, problems and
 * prescriptions, immunizations, procedures, care plans, appointments, notes and provenance,
 * then the care team and chart flags. The order of steps is fixed, which keeps the random
 * stream, and therefore the output, stable.
 */
import type { Bundle } from '@medplum/fhirtypes';
import { emitAllergies } from './allergies.ts';
import { emitAppointments } from './appointments.ts';
import { transaction } from './bundle.ts';
import { emitCarePlans } from './careplans.ts';
import { emitCareTeam } from './care-team.ts';
import { emitChronicMeds, emitProblems } from './chronic-care.ts';
import { sampleProfile } from './conditions.ts';
import { emit } from './context.ts';
import type { PatientContext } from './context.ts';
import { emitCoverage } from './coverage.ts';
import type { Directory } from './directory.ts';
import { emitEncounter } from './encounters.ts';
import { emitFlags } from './flags.ts';
import { IdFactory } from './ids.ts';
import { emitImmunizations } from './immunizations.ts';
import { pickScenario } from './interactions.ts';
import { emitNote } from './notes.ts';
import { buildPatient } from './patient.ts';
import { samplePerson } from './person.ts';
import { Rng } from './prng.ts';
import { emitProcedures } from './procedures.ts';
import { emitProvenance } from './provenance.ts';
import { DAY, HOUR, weekday } from './time.ts';
import { historyStart, planVisits } from './timeline.ts';
import type { Visit } from './timeline.ts';
import { emitVisitContent } from './visits.ts';

export function generatePatient(dir: Directory, now: number, index: number): Bundle {
  const scope = `${dir.seed}|patient|${index}`;
  const rng = new Rng(scope);
  const ids = new IdFactory(scope);
  const person = samplePerson(rng, dir, now);
  const profile = sampleProfile(rng, person, now);
  const plan = pickScenario(rng, person, profile, now);
  const patientId = ids.fixed('Patient');
  const ctx: PatientContext = {
    rng, ids, dir, now, index, person, profile, patientId, out: [], conditionIds: new Map(),
    patient: { reference: `Patient/${patientId}`, display: `${person.given.join(' ')} ${person.family}` },
    penicillinAllergy: rng.chance(0.1),
  };
  const from = historyStart(person, now);
  emit(ctx, buildPatient(ctx));
  emitCoverage(ctx, from);
  emitAllergies(ctx, from);
  const visits = planVisits(rng, dir, person, profile, now);
  let recentAcuteAt: number | undefined;
  if (plan?.recentAcute) {
    recentAcuteAt = weekday(Math.floor((now - 6 * DAY) / DAY) * DAY) + 17 * HOUR;
    const recent: Visit = {
      kind: 'acute', start: recentAcuteAt, end: recentAcuteAt + 20 * 60_000, age: person.age, provider: person.pcp, org: person.clinic,
      location: person.clinic.locations[0] as Visit['location'],
      acute: plan.recentAcute.acute, chronic: [], diagnoses: [],
    };
    if (recentAcuteAt < now) visits.push(recent);
  }
  const records = visits.map((v) => emitEncounter(ctx, v));
  emitProblems(ctx, records);
  for (const r of records) emitVisitContent(ctx, r, plan, recentAcuteAt);
  emitChronicMeds(ctx, records, plan);
  emitImmunizations(ctx, records, from);
  emitProcedures(ctx, records);
  emitCarePlans(ctx, records);
  emitAppointments(ctx, records);
  for (const r of records) emitNote(ctx, r);
  emitProvenance(ctx, records, from);
  emitCareTeam(ctx, from);
  emitFlags(ctx);
  return transaction(ctx.out);
}
