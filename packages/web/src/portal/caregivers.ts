/**
 * The caregiver-access operations (P-proxy's `$proxies`, `$grant-proxy`, `$revoke-proxy`) as the
 * account page's "People who can see your record" section uses them: the Parameters read into
 * plain objects, and the relationships a patient may choose (the server's list of HL7 v3
 * RoleCodes, in patient wording).
 */
import type { Parameters } from '@medplum/fhirtypes';
import type { FhirClient } from '../fhir/client.ts';
import { givenParts, partNamed, partsNamed, partText } from './b/parameters.ts';

export type CaregiverStatus = 'invited' | 'active' | 'revoked';

export interface Caregiver {
  /** `RelatedPerson/<id>`. */
  relatedPerson: string;
  name: string;
  relationship?: string;
  since?: string;
  until?: string;
  status: CaregiverStatus;
}

/** The v3 RoleCodes `$grant-proxy` accepts, labelled for patients. */
export const RELATIONSHIP_CHOICES: readonly { value: string; label: string }[] = [
  { value: 'SPS', label: 'Spouse' },
  { value: 'DOMPART', label: 'Domestic partner' },
  { value: 'PRN', label: 'Parent' },
  { value: 'CHILD', label: 'Child' },
  { value: 'SIB', label: 'Brother or sister' },
  { value: 'GRPRN', label: 'Grandparent' },
  { value: 'FAMMEMB', label: 'Other family member' },
  { value: 'FRND', label: 'Friend' },
  { value: 'NBOR', label: 'Neighbor' },
  { value: 'GUARD', label: 'Guardian' },
  { value: 'HPOWATT', label: 'Healthcare power of attorney' },
];

/** A relationship code in the patient's words (the code's own display for one outside the list). */
export function relationshipLabel(code: string | undefined, display?: string): string | undefined {
  return RELATIONSHIP_CHOICES.find((c) => c.value === code)?.label ?? display ?? code;
}

const path = (patientId: string, op: string): string => `Patient/${encodeURIComponent(patientId)}/${op}`;

export function caregiversOf(answer: Parameters): Caregiver[] {
  return partsNamed(answer, 'proxy').flatMap((p) => {
    const relatedPerson = partText(p, 'relatedPerson');
    if (!relatedPerson) return [];
    const coding = partNamed(p, 'relationship')?.valueCoding;
    const status = partText(p, 'status');
    const optional = (name: 'since' | 'until'): Partial<Caregiver> => {
      const v = partText(p, name);
      return v === undefined ? {} : { [name]: v };
    };
    const relationship = relationshipLabel(coding?.code, coding?.display);
    return [{
      relatedPerson,
      name: partText(p, 'name') ?? 'Unnamed person',
      status: status === 'active' || status === 'revoked' ? status : 'invited',
      ...(relationship ? { relationship } : {}),
      ...optional('since'),
      ...optional('until'),
    }];
  });
}

export async function listCaregivers(client: FhirClient, patientId: string, signal?: AbortSignal): Promise<Caregiver[]> {
  return caregiversOf(await client.get<Parameters>(path(patientId, '$proxies'), signal));
}

export interface NewCaregiver {
  name: string;
  email: string;
  relationship: string;
  /** YYYY-MM-DD, the last day of the access; empty for no end. */
  until: string;
}

/** Grants access and mails the invitation; answers the masked address it went to. */
export async function grantCaregiver(client: FhirClient, patientId: string, who: NewCaregiver): Promise<string | undefined> {
  const answer = await client.operation<Parameters>(
    path(patientId, '$grant-proxy'),
    givenParts(
      { name: 'name', valueString: who.name.trim() },
      { name: 'email', valueString: who.email.trim() },
      { name: 'relationship', valueCode: who.relationship },
      who.until !== '' && { name: 'until', valueDate: who.until },
    ),
  );
  return partText(answer, 'sentTo');
}

export async function revokeCaregiver(client: FhirClient, patientId: string, relatedPerson: string): Promise<void> {
  await client.operation<Parameters>(path(patientId, '$revoke-proxy'), givenParts({ name: 'relatedPerson', valueReference: { reference: relatedPerson } }));
}
