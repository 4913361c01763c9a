/**
 * The record-download and share operations (P-record's) as the share page uses them: the IPS
 * document Bundle (`$summary`), the printable PDF (`$summary-pdf`, a Binary), and share links
 * (`$share`, `$shares`, `$share-revoke`) read from their Parameters into plain objects.
 */
import type { Binary, Bundle, Parameters, ParametersParameter } from '@medplum/fhirtypes';
import type { FhirClient } from '../fhir/client.ts';

export interface ShareLink {
  id: string;
  recipient?: string;
  format: string;
  created?: string;
  expires?: string;
  revoked: boolean;
  accessCount: number;
  lastAccessed?: string;
  url?: string;
}

const path = (patientId: string, op: string): string => `Patient/${encodeURIComponent(patientId)}/${op}`;

export const loadSummary = (client: FhirClient, patientId: string): Promise<Bundle> => client.get<Bundle>(path(patientId, '$summary'));
export const loadSummaryPdf = (client: FhirClient, patientId: string): Promise<Binary> => client.get<Binary>(path(patientId, '$summary-pdf'));

function part(parts: readonly ParametersParameter[] | undefined, name: string): ParametersParameter | undefined {
  return parts?.find((p) => p.name === name);
}

const text = (p: ParametersParameter | undefined): string | undefined => p?.valueString ?? p?.valueCode ?? p?.valueId ?? p?.valueUrl ?? p?.valueUri ?? p?.valueDateTime ?? p?.valueInstant;

/** One share from its parts (a `share` parameter of `$shares`, or `$share`'s answer). */
export function shareOf(parts: readonly ParametersParameter[] | undefined): ShareLink | undefined {
  const id = text(part(parts, 'id'));
  if (!id) return undefined;
  const optional = (name: string): Record<string, string> => {
    const v = text(part(parts, name));
    return v === undefined ? {} : { [name]: v };
  };
  return {
    id,
    format: text(part(parts, 'format')) ?? 'fhir',
    revoked: part(parts, 'revoked')?.valueBoolean === true,
    accessCount: part(parts, 'accessCount')?.valueInteger ?? 0,
    ...optional('recipient'),
    ...optional('created'),
    ...optional('expires'),
    ...optional('lastAccessed'),
    ...optional('url'),
  };
}

export async function listShares(client: FhirClient, patientId: string, signal?: AbortSignal): Promise<ShareLink[]> {
  const answer = await client.get<Parameters>(path(patientId, '$shares'), signal);
  return (answer.parameter ?? []).filter((p) => p.name === 'share').map((p) => shareOf(p.part)).filter((s): s is ShareLink => s !== undefined);
}

export async function createShare(client: FhirClient, patientId: string, format: 'fhir' | 'pdf', expiresInHours: number, recipient: string): Promise<ShareLink | undefined> {
  const answer = await client.operation<Parameters>(path(patientId, '$share'), [
    { name: 'format', valueCode: format },
    { name: 'expiresInHours', valueInteger: expiresInHours },
    ...(recipient.trim() ? [{ name: 'recipient', valueString: recipient.trim() }] : []),
  ]);
  return shareOf(answer.parameter);
}

export async function revokeShare(client: FhirClient, patientId: string, id: string): Promise<void> {
  await client.operation<Parameters>(path(patientId, '$share-revoke'), [{ name: 'id', valueString: id }]);
}
