/**
 * Possible duplicate patients as the admin screen shows them, without React: the pairs of
 * `Patient/$duplicates` (a Parameters of `pair` parts {a, b, score, grade}, or a Bundle of such
 * Parameters, or of Patients two by two), each patient made into the lines compared side by side;
 * which fields differ; and the counts of what a `$merge` preview says would move.
 */
import type { Address, Bundle, BundleEntry, Identifier, Parameters, ParametersParameter, Patient } from '@medplum/fhirtypes';
import { formatDate, humanName, sexLabel } from '../../fhir/format.ts';

export const MATCH_GRADE_EXT = 'http://hl7.org/fhir/StructureDefinition/match-grade';

export interface PatientSide {
  id: string;
  name: string;
  birthDate: string;
  sex: string;
  address: string;
  identifiers: string[];
  /** The survivor's id when this patient was merged into another (link replaced-by). */
  replacedBy: string | undefined;
  /** Ids of the patients merged into this one (link replaces). */
  replaces: string[];
  active: boolean;
}

export type ComparedField = 'name' | 'birthDate' | 'sex' | 'address' | 'identifiers';

export interface PairView {
  /** Stable key: the two ids in order. */
  key: string;
  a: PatientSide;
  b: PatientSide;
  score: number | undefined;
  grade: string | undefined;
  /** The compared lines whose values differ. */
  differs: Set<ComparedField>;
}

const addressText = (a: Address[] | undefined): string => {
  const x = a?.find((v) => v.use === 'home') ?? a?.[0];
  if (!x) return '—';
  return x.text ?? ([...(x.line ?? []), x.city, [x.state, x.postalCode].filter(Boolean).join(' ')].filter(Boolean).join(', ') || '—');
};

const identifierText = (i: Identifier): string => {
  const kind = i.type?.text ?? i.type?.coding?.[0]?.display ?? i.type?.coding?.[0]?.code ?? i.system?.replace(/^.*[/:]/, '') ?? 'id';
  return `${kind}: ${i.value ?? '—'}`;
};

const linkTarget = (p: Patient, type: 'replaced-by' | 'replaces'): string[] =>
  (p.link ?? []).filter((l) => l.type === type).map((l) => (l.other.reference ?? '').replace(/^Patient\//, '')).filter(Boolean);

export function patientSide(p: Patient): PatientSide {
  return {
    id: p.id ?? '',
    name: humanName(p.name),
    birthDate: p.birthDate ? formatDate(p.birthDate) : '—',
    sex: sexLabel(p.gender),
    address: addressText(p.address),
    identifiers: (p.identifier ?? []).map(identifierText),
    replacedBy: linkTarget(p, 'replaced-by')[0],
    replaces: linkTarget(p, 'replaces'),
    active: p.active !== false,
  };
}

const norm = (s: string): string => s.toLowerCase().replace(/\s+/g, ' ').trim();

export function pairView(a: Patient, b: Patient, score: number | undefined, grade: string | undefined): PairView {
  const sa = patientSide(a);
  const sb = patientSide(b);
  const differs = new Set<ComparedField>();
  for (const k of ['name', 'birthDate', 'sex', 'address'] as const) if (norm(sa[k]) !== norm(sb[k])) differs.add(k);
  if (sa.identifiers.slice().sort().join('|') !== sb.identifiers.slice().sort().join('|')) differs.add('identifiers');
  return { key: [sa.id, sb.id].sort().join('~'), a: sa, b: sb, score, grade, differs };
}

type PatientLookup = (reference: string) => Patient | undefined;

const part = (p: ParametersParameter, name: string) => p.part?.find((x) => x.name === name);

function patientOf(p: ParametersParameter | undefined, lookup: PatientLookup): Patient | undefined {
  if (!p) return undefined;
  if (p.resource?.resourceType === 'Patient') return p.resource;
  return p.valueReference?.reference ? lookup(p.valueReference.reference) : undefined;
}

const scoreOf = (p: ParametersParameter | undefined): number | undefined => p?.valueDecimal ?? p?.valueInteger;
const gradeOf = (e: BundleEntry): string | undefined => e.search?.extension?.find((x) => x.url === MATCH_GRADE_EXT)?.valueCode;

/** The references of patients a `$duplicates` answer names without including them (to read). */
export function referencedPatients(answer: Parameters | Bundle): string[] {
  const params = answer.resourceType === 'Parameters' ? (answer.parameter ?? []) : (answer.entry ?? []).flatMap((e) => (e.resource?.resourceType === 'Parameters' ? (e.resource.parameter ?? []) : []));
  const refs = params.flatMap((p) => [part(p, 'a'), part(p, 'b')]).flatMap((x) => (x?.valueReference?.reference && !x.resource ? [x.valueReference.reference] : []));
  return [...new Set(refs)];
}

/** The pairs of a `$duplicates` answer, highest score first; pairs whose patients are unknown are left out. */
export function duplicatePairs(answer: Parameters | Bundle, lookup: PatientLookup = () => undefined): PairView[] {
  const pairs: PairView[] = [];
  const fromParams = (params: ParametersParameter[]) => {
    for (const p of params) {
      const a = patientOf(part(p, 'a'), lookup);
      const b = patientOf(part(p, 'b'), lookup);
      if (a && b) pairs.push(pairView(a, b, scoreOf(part(p, 'score')), part(p, 'grade')?.valueCode ?? part(p, 'grade')?.valueString));
    }
  };
  if (answer.resourceType === 'Parameters') fromParams(answer.parameter ?? []);
  else {
    const entries = answer.entry ?? [];
    const patients = entries.filter((e) => e.resource?.resourceType === 'Patient');
    for (const e of entries) if (e.resource?.resourceType === 'Parameters') fromParams(e.resource.parameter ?? []);
    for (let i = 0; i + 1 < patients.length; i += 2) {
      const [ea, eb] = [patients[i]!, patients[i + 1]!];
      pairs.push(pairView(ea.resource as Patient, eb.resource as Patient, eb.search?.score ?? ea.search?.score, gradeOf(eb) ?? gradeOf(ea)));
    }
  }
  const seen = new Set<string>();
  return pairs.filter((p) => !seen.has(p.key) && seen.add(p.key)).sort((x, y) => (y.score ?? 0) - (x.score ?? 0));
}

export interface MoveCount {
  label: string;
  count: number;
}

/**
 * What a `$merge` preview says would move to the survivor, per resource type. Read from `moved`
 * (or `count`) parts {type|resourceType, count}, or from integer parameters named by type;
 * references listed one by one (`moved` valueReference) are counted by type.
 */
export function previewCounts(answer: Parameters): MoveCount[] {
  const counts = new Map<string, number>();
  const add = (label: string, n: number) => counts.set(label, (counts.get(label) ?? 0) + n);
  for (const p of answer.parameter ?? []) {
    const type = p.part?.find((x) => x.name === 'type' || x.name === 'resourceType');
    const count = p.part?.find((x) => x.name === 'count');
    if (type && count?.valueInteger !== undefined) add(type.valueString ?? type.valueCode ?? 'Other', count.valueInteger);
    else if (p.valueReference?.reference && /^(moved|reference|resource)$/.test(p.name ?? '')) add(p.valueReference.reference.split('/')[0] ?? 'Other', 1);
    else if (p.valueInteger !== undefined && /^[A-Z][A-Za-z]+$/.test(p.name ?? '')) add(p.name ?? 'Other', p.valueInteger);
  }
  return [...counts].map(([label, count]) => ({ label, count })).sort((a, b) => b.count - a.count || a.label.localeCompare(b.label));
}

/** A preview's total, from a `total` (or integer `moved`) parameter, or the sum of the counts. */
export function previewTotal(answer: Parameters, counts: MoveCount[]): number {
  const total = answer.parameter?.find((p) => p.name === 'total' || (p.name === 'moved' && p.valueInteger !== undefined))?.valueInteger;
  return total ?? counts.reduce((n, c) => n + c.count, 0);
}

/** How a score reads: 0.934 → "93%". */
export const scoreText = (score: number | undefined): string => (score === undefined ? '—' : `${Math.round(score * 100)}%`);
