/**
 * The state shared while one patient's bundle is generated: the seeded random stream, the id
 * factory, the directory, the person and their chronic profile, and the output list. One context
 * lives for exactly one patient and is then dropped, which keeps generation in constant memory.
 */
import type { Resource } from '@medplum/fhirtypes';
import type { AnyReference } from './bundle.ts';
import type { ChronicKey, Profile } from './conditions.ts';
import type { Directory, Staff } from './directory.ts';
import type { IdFactory } from './ids.ts';
import type { Person } from './person.ts';
import type { Rng } from './prng.ts';
import type { Visit } from './timeline.ts';

export interface PatientContext {
  rng: Rng;
  ids: IdFactory;
  dir: Directory;
  now: number;
  index: number;
  person: Person;
  profile: Profile;
  patientId: string;
  patient: AnyReference;
  out: Resource[];
  /** Condition resource id of each chronic condition. */
  conditionIds: Map<ChronicKey, string>;
  penicillinAllergy: boolean;
}

/** What one encounter produced, for its note and its Provenance. */
export interface VisitRecord {
  visit: Visit;
  encounterId: string;
  resources: Resource[];
  vitals: string[];
  assessments: string[];
  plan: string[];
}

export function practitionerRef(s: Staff): AnyReference {
  return { reference: `Practitioner/${s.id}`, display: s.display };
}

/** Adds a resource to the bundle and, when given, to the visit that produced it. */
export function emit<T extends Resource>(ctx: PatientContext, resource: T, record?: VisitRecord): T {
  ctx.out.push(resource);
  record?.resources.push(resource);
  return resource;
}
