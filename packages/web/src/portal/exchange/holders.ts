/**
 * Who holds the patient's record, read from `$data-holders`: one row per organization, with when
 * it last received something from here, what kinds of exchange those were (in words a patient
 * understands), and whether this clinic copied data from them. Most recent first. Pure: no I/O.
 */
import type { Parameters, ParametersParameter } from '@medplum/fhirtypes';

export interface Holder {
  organization: string;
  reference: string | undefined;
  lastDisclosed: string | undefined;
  kinds: string[];
  received: boolean;
}

/** What each kind of disclosure means, for a patient. */
export const KIND_TEXT: Record<string, string> = {
  match: 'looked up whether you are their patient',
  query: 'received a copy of your record',
  referral: 'received your record with a referral',
  message: 'received a message about you',
  notification: 'is told about new results or hospital stays',
};

const part = (p: ParametersParameter, name: string) => p.part?.find((x) => x.name === name);

export function readHolders(result: Parameters | undefined): Holder[] {
  const out: Holder[] = [];
  for (const p of result?.parameter ?? []) {
    if (p.name !== 'holder') continue;
    const org = part(p, 'organization')?.valueReference;
    if (!org) continue;
    out.push({
      organization: org.display ?? 'An organization',
      reference: org.reference,
      lastDisclosed: part(p, 'lastDisclosed')?.valueDateTime,
      kinds: (p.part ?? []).filter((x) => x.name === 'kinds' && x.valueString).map((x) => x.valueString!),
      received: part(p, 'received')?.valueBoolean === true,
    });
  }
  return out.sort((a, b) => (b.lastDisclosed ?? '').localeCompare(a.lastDisclosed ?? '') || a.organization.localeCompare(b.organization));
}

/** The sentences describing what an organization got from here, and what this clinic got from it. */
export function holderLines(h: Holder): string[] {
  const lines = [...new Set(h.kinds)].map((k) => KIND_TEXT[k] ?? `exchanged information (${k})`);
  return [...lines.map((l) => `${h.organization} ${l}.`), ...(h.received ? [`Your clinic copied information from ${h.organization} into your record.`] : [])];
}
