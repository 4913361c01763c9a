/**
 * The sharing choices of the "Who has my record" page: per partner organization, share or don't
 * share, and whether sensitive kinds of care go too. Read from `$exchange-consent` (GET), edited
 * here, and written back one organization at a time (POST). The sensitive categories are shown
 * in plain words, each standing for one or more security labels. Turning sharing off for an
 * organization that had it is a withdrawal: the page asks to confirm it. Pure: no I/O.
 */
import type { Parameters, ParametersParameter } from '@medplum/fhirtypes';

export interface SensitiveCategory {
  key: string;
  label: string;
  /** The labels (v3 ActCode / Confidentiality) this choice permits. */
  codes: string[];
}

export const SENSITIVE: SensitiveCategory[] = [
  { key: 'mental', label: 'Mental health care', codes: ['PSY', 'MH', 'BH'] },
  { key: 'substance', label: 'Alcohol or drug use treatment', codes: ['SUD', 'ETH'] },
  { key: 'hiv', label: 'HIV tests and care', codes: ['HIV'] },
  { key: 'sexual', label: 'Sexual and reproductive health', codes: ['SEX', 'STD'] },
  { key: 'genetic', label: 'Genetic test results', codes: ['GDIS'] },
  { key: 'violence', label: 'Abuse or violence', codes: ['SDV', 'VIO'] },
  { key: 'restricted', label: 'Anything marked restricted or very restricted', codes: ['R', 'V'] },
];

export interface SharingChoice {
  /** `Organization/<id>` */
  organization: string;
  name: string;
  share: boolean;
  /** Keys of SENSITIVE categories shared too. */
  sensitive: string[];
}

const part = (p: ParametersParameter, name: string) => p.part?.find((x) => x.name === name);

/** The categories the labels permit: a category is on when any of its labels is. */
export function categoriesOf(codes: readonly string[]): string[] {
  const set = new Set(codes);
  return SENSITIVE.filter((c) => c.codes.some((x) => set.has(x))).map((c) => c.key);
}

export function codesOf(categories: readonly string[]): string[] {
  return SENSITIVE.filter((c) => categories.includes(c.key)).flatMap((c) => c.codes);
}

/**
 * The choices per organization from the GET answer: each top-level parameter whose parts name an
 * `organization` (valueReference) with a `decision` (permit | deny) and `sensitive` codes.
 */
export function readSharing(result: Parameters | undefined): SharingChoice[] {
  const out: SharingChoice[] = [];
  for (const p of result?.parameter ?? []) {
    const org = part(p, 'organization')?.valueReference;
    if (!org?.reference) continue;
    const codes = (p.part ?? []).filter((x) => x.name === 'sensitive').map((x) => x.valueCode ?? x.valueCoding?.code).filter((c): c is string => Boolean(c));
    out.push({ organization: org.reference, name: org.display ?? 'An organization', share: part(p, 'decision')?.valueCode === 'permit', sensitive: categoriesOf(codes) });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

const same = (a: SharingChoice, b: SharingChoice): boolean => a.share === b.share && (!a.share || [...a.sensitive].sort().join() === [...b.sensitive].sort().join());

/** The organizations whose choice differs from what is stored. */
export function changedChoices(saved: readonly SharingChoice[], edited: readonly SharingChoice[]): SharingChoice[] {
  return edited.filter((e) => {
    const s = saved.find((x) => x.organization === e.organization);
    return !s || !same(s, e);
  });
}

/** The organizations that had sharing on and would have it turned off. */
export function withdrawals(saved: readonly SharingChoice[], edited: readonly SharingChoice[]): SharingChoice[] {
  return edited.filter((e) => !e.share && saved.find((x) => x.organization === e.organization)?.share === true);
}

export function setShare(choices: readonly SharingChoice[], organization: string, share: boolean): SharingChoice[] {
  return choices.map((c) => (c.organization === organization ? { ...c, share, sensitive: share ? c.sensitive : [] } : c));
}

/** Sets the sensitive categories shared with one organization (unknown keys are dropped). */
export function setSensitive(choices: readonly SharingChoice[], organization: string, categories: readonly string[]): SharingChoice[] {
  const known = SENSITIVE.map((s) => s.key).filter((k) => categories.includes(k));
  return choices.map((c) => (c.organization === organization ? { ...c, sensitive: c.share ? known : [] } : c));
}

/** The POST parameters that store one organization's choice. */
export function consentParameters(choice: SharingChoice): ParametersParameter[] {
  return [
    { name: 'organization', valueReference: { reference: choice.organization } },
    { name: 'decision', valueCode: choice.share ? 'permit' : 'deny' },
    ...(choice.share ? codesOf(choice.sensitive).map((code) => ({ name: 'sensitive', valueCode: code })) : []),
  ];
}
