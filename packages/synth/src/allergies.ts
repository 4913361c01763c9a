/**
 * AllergyIntolerance resources: penicillin (RxNorm ingredient; ~10% of US patients carry the
 * label), peanut and shellfish food allergies (FARE/NIH prevalence, higher in children), and
 * seasonal pollen allergy (more often in people with allergic rhinitis or asthma). Food and
 * environmental substances are coded by text only, because the shipped tables hold no SNOMED CT.
 */
import type { AllergyIntolerance, CodeableConcept } from '@medplum/fhirtypes';
import { concept } from './codes.ts';
import { emit, practitionerRef } from './context.ts';
import type { PatientContext } from './context.ts';
import { DAY, YEAR, isoDate, isoDateTime } from './time.ts';

type Category = 'medication' | 'food' | 'environment';

interface AllergySpec {
  code: CodeableConcept;
  category: Category;
  criticality: 'low' | 'high' | 'unable-to-assess';
  reaction: string;
  severity: 'mild' | 'moderate' | 'severe';
}

const CLINICAL = 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical';
const VERIFICATION = 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification';

function specs(ctx: PatientContext): AllergySpec[] {
  const { rng, person, profile } = ctx;
  const out: AllergySpec[] = [];
  if (ctx.penicillinAllergy) {
    const severe = rng.chance(0.1);
    out.push({ code: concept('rxnorm', '70618', 'Penicillin'), category: 'medication', criticality: severe ? 'high' : 'low', reaction: severe ? 'Anaphylaxis' : rng.pick(['Hives', 'Rash', 'Itching']), severity: severe ? 'severe' : 'mild' });
  }
  if (person.age >= 1 && rng.chance(person.age < 18 ? 0.025 : 0.012)) {
    out.push({ code: { text: 'Peanut' }, category: 'food', criticality: 'high', reaction: rng.pick(['Hives', 'Throat swelling', 'Anaphylaxis']), severity: 'severe' });
  }
  if (person.age >= 5 && rng.chance(0.025)) {
    out.push({ code: { text: 'Shellfish' }, category: 'food', criticality: 'high', reaction: rng.pick(['Hives', 'Vomiting', 'Lip swelling']), severity: 'moderate' });
  }
  if (person.age >= 3 && rng.chance(profile.has('rhinitis') || profile.has('asthma') ? 0.6 : 0.05)) {
    out.push({ code: { text: rng.pick(['Grass pollen', 'Tree pollen', 'Ragweed pollen']) }, category: 'environment', criticality: 'low', reaction: 'Sneezing, nasal congestion and itchy eyes', severity: 'mild' });
  }
  return out;
}

export function emitAllergies(ctx: PatientContext, historyFrom: number): void {
  for (const s of specs(ctx)) {
    const recorded = historyFrom + ctx.rng.int(0, 60) * DAY;
    if (recorded >= ctx.now) continue;
    const onset = Math.max(ctx.person.birth + YEAR, recorded - ctx.rng.int(0, 15) * YEAR);
    const allergy: AllergyIntolerance = {
      resourceType: 'AllergyIntolerance', id: ctx.ids.next('AllergyIntolerance'),
      clinicalStatus: { coding: [{ system: CLINICAL, code: 'active', display: 'Active' }] },
      verificationStatus: { coding: [{ system: VERIFICATION, code: s.category === 'medication' && ctx.rng.chance(0.3) ? 'unconfirmed' : 'confirmed', display: '' }] },
      type: 'allergy', category: [s.category], criticality: s.criticality, code: s.code, patient: ctx.patient,
      onsetDateTime: isoDate(Math.min(onset, recorded)), recordedDate: isoDateTime(recorded), recorder: practitionerRef(ctx.person.pcp),
      reaction: [{ manifestation: [{ text: s.reaction }], severity: s.severity }],
    };
    const v = allergy.verificationStatus?.coding?.[0];
    if (v) v.display = v.code === 'confirmed' ? 'Confirmed' : 'Unconfirmed';
    emit(ctx, allergy);
  }
}
