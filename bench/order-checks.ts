/**
 * `node --import tsx bench/order-checks.ts [--meds 30] [--iterations 20000]`: CPU time of one
 * `runOrderChecks` call (medications/checks.ts), the pure engine behind the CDS order hooks, for a
 * patient with N active medications (shipped RxNorm products with sigs), two penicillin and sulfa
 * allergies, two draft medication orders (one interacting) and a draft lab order against ten
 * recent results. Prints the knowledge load time and the median of five runs' mean CPU time per
 * check. Standalone: not part of `npm run bench`, which measures the HTTP API.
 */
import type { MedicationRequest, Observation, ServiceRequest } from '@medplum/fhirtypes';
import { parseArgs } from 'node:util';
import type { OrderCheckInput } from '../packages/server/src/medications/check-types.ts';
import { runOrderChecks } from '../packages/server/src/medications/checks.ts';
import { shippedKnowledge } from '../packages/server/src/medications/knowledge.ts';

const { values } = parseArgs({ options: { meds: { type: 'string', default: '30' }, iterations: { type: 'string', default: '20000' } } });
const meds = Number(values.meds);
const iterations = Number(values.iterations);

const loadStart = performance.now();
const knowledge = shippedKnowledge();
const loadMs = performance.now() - loadStart;

const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
const products = knowledge.catalogue.entries.filter((e) => !e.ingredientOnly && e.doseForm === 'Oral Tablet');
const rx = (code: string, id: string, status: MedicationRequest['status']): MedicationRequest => ({
  resourceType: 'MedicationRequest', id, status, intent: 'order', subject: { reference: 'Patient/p1' },
  medicationCodeableConcept: { coding: [{ system: RXNORM, code }] },
  dosageInstruction: [{ doseAndRate: [{ doseQuantity: { value: 1, unit: 'tablet' } }], timing: { repeat: { frequency: 2, period: 1, periodUnit: 'd' } } }],
});
const lab = (i: number): Observation => ({ resourceType: 'Observation', id: `o${i}`, status: 'final', code: { coding: [{ system: 'http://loinc.org', code: i === 0 ? '4548-4' : `2345-${i}` }] }, effectiveDateTime: '2026-11-01T08:00:00Z', valueQuantity: { value: 7, unit: '%' } });
const labDraft: ServiceRequest = { resourceType: 'ServiceRequest', status: 'draft', intent: 'order', subject: { reference: 'Patient/p1' }, code: { coding: [{ system: 'http://loinc.org', code: '4548-4' }] } };

const input: OrderCheckInput = {
  patient: { resourceType: 'Patient', id: 'p1', birthDate: '1958-04-02' },
  weight: { kg: 82, date: '2026-11-01' },
  drafts: [rx('198211', 'd1', 'draft'), rx('617311', 'd2', 'draft'), labDraft],
  activeMedications: Array.from({ length: meds }, (_, i) => rx(products[(i * 97) % products.length]!.code, `m${i}`, 'active')),
  allergies: [
    { resourceType: 'AllergyIntolerance', id: 'a1', patient: { reference: 'Patient/p1' }, code: { coding: [{ system: RXNORM, code: '70618' }] } },
    { resourceType: 'AllergyIntolerance', id: 'a2', patient: { reference: 'Patient/p1' }, code: { text: 'Sulfa drugs' } },
  ],
  recentLabOrders: [],
  recentLabResults: Array.from({ length: 10 }, (_, i) => lab(i)),
  now: new Date('2026-11-27T10:00:00Z'),
  settings: { duplicateLabWindowDays: 1, duplicateLabWindowByLoinc: { '4548-4': 90 } },
};

for (let i = 0; i < 2000; i++) runOrderChecks(input, knowledge);
const runs: number[] = [];
for (let r = 0; r < 5; r++) {
  const start = process.cpuUsage();
  for (let i = 0; i < iterations; i++) runOrderChecks(input, knowledge);
  const used = process.cpuUsage(start);
  runs.push((used.user + used.system) / 1000 / iterations);
}
runs.sort((a, b) => a - b);
console.log(`knowledge load: ${loadMs.toFixed(0)} ms (${knowledge.catalogue.entries.length} catalogue entries)`);
console.log(`runOrderChecks, ${meds} active medications, ${input.drafts.length} drafts: ${(runs[2]! * 1000).toFixed(1)} µs CPU per check (median of 5 × ${iterations}); ${runOrderChecks(input, knowledge).length} findings`);
