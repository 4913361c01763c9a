/**
 * Provenance: one per encounter, targeting everything that encounter produced, authored by its
 * clinician on behalf of the organization; and one for the patient-level record (the Patient,
 * coverage, allergies, problems and orders entered outside an encounter), authored by the
 * primary care provider for the clinic. Matches US Core Provenance (agent type `author`).
 */
import type { Provenance, Resource } from '@medplum/fhirtypes';
import { ref } from './bundle.ts';
import { practitionerRef } from './context.ts';
import type { PatientContext, VisitRecord } from './context.ts';
import type { Org, Staff } from './directory.ts';
import { isoDateTime } from './time.ts';

function provenance(ctx: PatientContext, targets: readonly Resource[], at: number, who: Staff, org: Org): Provenance {
  return {
    resourceType: 'Provenance', id: ctx.ids.next('Provenance'),
    target: targets.map((r) => ref(r.resourceType, r.id ?? '')), recorded: isoDateTime(at),
    agent: [{
      type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/provenance-participant-type', code: 'author', display: 'Author' }] },
      who: practitionerRef(who), onBehalfOf: ref('Organization', org.id, org.name),
    }],
  };
}

export function emitProvenance(ctx: PatientContext, records: readonly VisitRecord[], createdAt: number): void {
  const attributed = new Set<Resource>();
  const out: Provenance[] = [];
  for (const r of records) {
    for (const res of r.resources) attributed.add(res);
    if (r.resources.length > 0) out.push(provenance(ctx, r.resources, r.visit.end, r.visit.provider, r.visit.org));
  }
  const rest = ctx.out.filter((r) => !attributed.has(r));
  out.unshift(provenance(ctx, rest, createdAt, ctx.person.pcp, ctx.person.clinic));
  ctx.out.push(...out);
}
