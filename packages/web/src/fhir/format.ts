/** How FHIR values read on screen: names, ages, codes, dates, quantities and lab flags. */
import type { CodeableConcept, HumanName, Identifier, Observation, Patient, Reference } from '@medplum/fhirtypes';

export function humanName(names: HumanName[] | undefined): string {
  const n = names?.find((x) => x.use === 'official') ?? names?.[0];
  if (!n) return 'Unnamed';
  if (n.text) return n.text;
  return [...(n.given ?? []), n.family].filter(Boolean).join(' ') || 'Unnamed';
}

/** Whole years on `at`; months under two years. */
export function age(birthDate: string | undefined, at: Date = new Date()): string {
  if (!birthDate) return 'age unknown';
  const b = new Date(`${birthDate.slice(0, 10)}T00:00:00`);
  let months = (at.getFullYear() - b.getFullYear()) * 12 + (at.getMonth() - b.getMonth());
  if (at.getDate() < b.getDate()) months--;
  return months < 24 ? `${months} mo` : `${Math.floor(months / 12)} y`;
}

export function sexLabel(gender: Patient['gender']): string {
  switch (gender) {
    case 'male':
      return 'Male';
    case 'female':
      return 'Female';
    case 'other':
      return 'Other';
    case 'unknown':
    case undefined:
      return 'Unknown';
  }
}

export function mrn(identifiers: Identifier[] | undefined): string | undefined {
  const id = identifiers?.find((i) => i.type?.coding?.some((c) => c.code === 'MR')) ?? identifiers?.find((i) => /mrn/i.test(i.system ?? ''));
  return id?.value;
}

export function conceptText(c: CodeableConcept | undefined): string {
  return c?.text ?? c?.coding?.find((x) => x.display)?.display ?? c?.coding?.[0]?.code ?? 'Unspecified';
}

export function refText(r: Reference | undefined): string | undefined {
  return r?.display ?? r?.reference;
}

export function formatDate(value: string | undefined): string {
  if (!value) return '';
  if (/^\d{4}$/.test(value) || /^\d{4}-\d{2}$/.test(value)) return value;
  const d = new Date(value.length === 10 ? `${value}T00:00:00` : value);
  if (Number.isNaN(d.getTime())) return value;
  return d.toLocaleDateString('en-US', { year: 'numeric', month: 'short', day: 'numeric' });
}

export function formatDateTime(value: string | undefined): string {
  if (!value) return '';
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return value;
  return d.toLocaleString('en-US', { year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' });
}

/** UCUM codes as people write them. */
const UNITS: Record<string, string> = { Cel: '°C', '[degF]': '°F', 'mm[Hg]': 'mmHg', 'kg/m2': 'kg/m²', '[lb_av]': 'lb', '[in_i]': 'in' };
export const unitText = (unit: string | undefined): string => (unit ? ` ${UNITS[unit] ?? unit}` : '');

/** An Observation's value (or its components', as for blood pressure). */
export function observationValue(o: Observation): string {
  const one = (v: Pick<Observation, 'valueQuantity' | 'valueCodeableConcept' | 'valueString'>): string | undefined => {
    if (v.valueQuantity?.value !== undefined) return `${v.valueQuantity.value}${unitText(v.valueQuantity.unit)}`;
    if (v.valueCodeableConcept) return conceptText(v.valueCodeableConcept);
    return v.valueString;
  };
  const direct = one(o);
  if (direct !== undefined) return direct;
  const parts = (o.component ?? []).map((c) => c.valueQuantity?.value).filter((v) => v !== undefined);
  if (parts.length > 0) {
    return `${parts.join('/')}${unitText(o.component?.[0]?.valueQuantity?.unit)}`;
  }
  return '—';
}

export type LabFlag = 'H' | 'L' | 'A' | undefined;

/** H, L or A (abnormal) from the interpretation (HH, LL and the critical codes count too). */
export function labFlag(o: Observation): LabFlag {
  const codes = (o.interpretation ?? []).flatMap((i) => i.coding ?? []).map((c) => c.code ?? '');
  if (codes.some((c) => c === 'H' || c === 'HH' || c === 'HU')) return 'H';
  if (codes.some((c) => c === 'L' || c === 'LL' || c === 'LU')) return 'L';
  if (codes.some((c) => c === 'A' || c === 'AA')) return 'A';
  return undefined;
}

export function effectiveDate(o: Observation): string | undefined {
  return o.effectiveDateTime ?? o.effectivePeriod?.start ?? o.issued;
}

/** A base64 value's text, read as UTF-8; empty when it is not valid base64. */
export function base64Text(b64: string): string {
  try {
    return new TextDecoder().decode(Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0)));
  } catch {
    return '';
  }
}
