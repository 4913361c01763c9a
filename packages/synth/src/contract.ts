/**
 * The generator's public contract, fixed so that the seeder and the demo clinic can be built
 * against it while the generator grows. Everything is deterministic: the same options give
 * byte-identical bundles. Patient `i` depends only on (seed, i), so a seeding run can resume at
 * any index and the stream needs constant memory.
 */
import type { Bundle } from '@medplum/fhirtypes';

export interface PopulationOptions {
  /** Any string or number; the same seed gives byte-identical output. */
  seed: string | number;
  /** How many patients the population has. */
  patients: number;
  /**
   * The simulation's "today": histories end here and future appointments start after it.
   * Fixed by the caller (default 2026-01-01T00:00:00Z) so output does not depend on the clock.
   */
  now?: string;
}

/**
 * The population's shared directory as one `transaction` Bundle of PUT entries with
 * deterministic ids: Organizations (clinics, a hospital, a lab, a pharmacy), Locations,
 * Practitioners and PractitionerRoles. Patient bundles reference these by `Type/id`.
 */
export type DirectoryBundle = (options: PopulationOptions) => Bundle;

/**
 * The bundle for patient `index` (0-based, < options.patients): one `transaction` Bundle of PUT
 * entries with deterministic ids, holding the Patient and everything about them (Coverage,
 * Encounters, Conditions, Observations, DiagnosticReports, MedicationRequests,
 * AllergyIntolerances, Immunizations, Procedures, DocumentReferences, CarePlans, Goals,
 * Appointments, Provenance). References point at the directory or within the bundle.
 */
export type PatientBundle = (options: PopulationOptions, index: number) => Bundle;

/** Patient bundles for indexes [from, to), lazily, one at a time. */
export type PatientBundles = (options: PopulationOptions, from?: number, to?: number) => Generator<Bundle>;

/** Synthetic staff the demo clinic gives logins to (when accounts exist), from the directory. */
export interface DemoStaff {
  role: 'physician' | 'nurse' | 'front-desk' | 'biller' | 'admin';
  practitionerId: string;
  name: string;
}
