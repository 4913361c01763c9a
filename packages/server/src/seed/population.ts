/**
 * The real synthetic population, from `@continuum/synth`, in the shape the seeder and the demo
 * take. Kept in its own module so that servers which never seed do not load the generator
 * (start-up imports it lazily).
 */
import { demoStaff, directoryBundle, patientBundles } from '@continuum/synth';
import type { DemoSource } from './demo.ts';

export const syntheticPopulation: DemoSource = {
  directoryBundle,
  patientBundles,
  demoStaff,
  // The seeder's worker imports this module and prepares patients from this same object.
  offThread: { module: import.meta.url, exportName: 'syntheticPopulation' },
};
