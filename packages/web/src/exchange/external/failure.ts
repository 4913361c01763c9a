/** The title of a failed exchange request for people: a role that may not is told so. Pure. */
import { FhirError } from '../../fhir/client.ts';

export function failureTitle(err: unknown, what: string): string {
  if (err instanceof FhirError && err.status === 403) return `Not allowed to ${what}`;
  return `Could not ${what}`;
}
