/**
 * A tiny stand-in population with the generator's contract (deterministic PUT transaction
 * bundles, patient i depending only on (seed, i), references into the directory), for the
 * seeder tests that need many runs or a population whose size the test controls.
 */
import type { Bundle, BundleEntry, Resource } from '@medplum/fhirtypes';
import type { PopulationOptions } from '@continuum/synth';
import type { DemoSource } from '../../src/seed/demo.ts';

const put = (resource: Resource): BundleEntry => ({
  fullUrl: `urn:uuid:${resource.resourceType}-${resource.id}`,
  resource,
  request: { method: 'PUT', url: `${resource.resourceType}/${resource.id}` },
});

const tx = (entry: BundleEntry[]): Bundle => ({ resourceType: 'Bundle', type: 'transaction', entry });

function key(seed: string | number): string {
  return String(seed).replace(/[^A-Za-z0-9]/g, '').slice(0, 20) || 'x';
}

export function fakeDirectory(o: PopulationOptions): Bundle {
  const k = key(o.seed);
  return tx([
    put({ resourceType: 'Organization', id: `org-${k}-1`, name: 'Fake Clinic One', active: true }),
    put({ resourceType: 'Organization', id: `org-${k}-2`, name: 'Fake Clinic Two', active: true }),
    put({ resourceType: 'Practitioner', id: `pr-${k}-1`, name: [{ family: 'Example', given: ['Pat'] }] }),
  ]);
}

export function fakePatient(o: PopulationOptions, i: number): Bundle {
  const k = key(o.seed);
  const pid = `pt-${k}-${i}`;
  const subject = { reference: `Patient/${pid}` };
  const entries: BundleEntry[] = [
    put({ resourceType: 'Patient', id: pid, name: [{ family: `Family${i}`, given: ['Test'] }], managingOrganization: { reference: `Organization/org-${k}-${(i % 2) + 1}` } }),
    put({ resourceType: 'Encounter', id: `enc-${k}-${i}`, status: 'finished', class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' }, subject, participant: [{ individual: { reference: `Practitioner/pr-${k}-1` } }] }),
  ];
  for (let j = 0; j < 1 + (i % 3); j++) {
    entries.push(put({
      resourceType: 'Observation', id: `obs-${k}-${i}-${j}`, status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
      subject, encounter: { reference: `Encounter/enc-${k}-${i}` }, valueQuantity: { value: 60 + ((i * 7 + j) % 40), unit: '/min' },
    }));
  }
  return tx(entries);
}

export const fakePopulation: DemoSource = {
  directoryBundle: fakeDirectory,
  *patientBundles(o, from = 0, to = o.patients) {
    for (let i = from; i < to; i++) yield fakePatient(o, i);
  },
  demoStaff: (o) => [{ role: 'physician', practitionerId: `pr-${key(o.seed)}-1`, name: 'Dr. Pat Example' }],
};

/** Where the seeder's worker finds these populations (see PopulationSource.offThread). */
const here = import.meta.url;

/** The fake population, prepared off-thread like the real one. */
export const fakeOffThread: DemoSource = { ...fakePopulation, offThread: { module: here, exportName: 'fakeOffThread' } };

/**
 * From patient 2 on, each Encounter names its Patient by the entry's `urn:uuid:` fullUrl, which
 * only the transaction code rewrites: the worker must hand those patients back to it.
 */
export const fakeWithUrnReferences: DemoSource = {
  ...fakePopulation,
  *patientBundles(o, from = 0, to = o.patients) {
    for (let i = from; i < to; i++) {
      const bundle = fakePatient(o, i);
      if (i >= 2) {
        const [patient, encounter] = bundle.entry!;
        (encounter!.resource as { subject: { reference: string } }).subject = { reference: patient!.fullUrl! };
      }
      yield bundle;
    }
  },
  offThread: { module: here, exportName: 'fakeWithUrnReferences' },
};
