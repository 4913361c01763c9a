/**
 * @continuum/synth: a deterministic synthetic population generator producing realistic US Core
 * FHIR R4 data. Load `directoryBundle` first (organizations, locations, practitioners), then the
 * patient bundles, which reference the directory by `Type/id`. Same options, same bytes; patient
 * `i` depends only on (seed, i), so generation streams in constant memory and can resume.
 */
import type { Bundle } from '@medplum/fhirtypes';
import { transaction } from './bundle.ts';
import type { DemoStaff, PopulationOptions } from './contract.ts';
import { buildDirectory } from './directory.ts';
import { directoryResources } from './directory-resources.ts';
import { generatePatient } from './patient-bundle.ts';
import { staffFor } from './staff.ts';
import { parseNow } from './time.ts';

export type { DemoStaff, DirectoryBundle, PatientBundle, PatientBundles, PopulationOptions } from './contract.ts';
export { MRN_SYSTEM } from './patient.ts';
export { NPI_SYSTEM, isValidNpi } from './npi.ts';
export { ENCOUNTER_TYPE_SYSTEM } from './encounters.ts';
export { CODE_STATUS_SYSTEM, FLAG_SYSTEM } from './flags.ts';
export { CARE_TEAM_ROLE_SYSTEM } from './care-team.ts';

function checkIndex(options: PopulationOptions, index: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= options.patients) {
    throw new RangeError(`Patient index ${index} is outside [0, ${options.patients})`);
  }
}

export function directoryBundle(options: PopulationOptions): Bundle {
  return transaction(directoryResources(buildDirectory(options.seed)));
}

export function patientBundle(options: PopulationOptions, index: number): Bundle {
  checkIndex(options, index);
  return generatePatient(buildDirectory(options.seed), parseNow(options.now), index);
}

export function* patientBundles(options: PopulationOptions, from = 0, to = options.patients): Generator<Bundle> {
  const dir = buildDirectory(options.seed);
  const now = parseNow(options.now);
  const end = Math.min(to, options.patients);
  for (let i = Math.max(0, from); i < end; i++) yield generatePatient(dir, now, i);
}

export function demoStaff(options: PopulationOptions): DemoStaff[] {
  return staffFor(buildDirectory(options.seed));
}
