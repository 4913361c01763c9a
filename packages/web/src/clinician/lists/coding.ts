/**
 * Small FHIR building blocks the list forms share: status concepts from their HL7 code systems,
 * a Coding from a picker as a CodeableConcept (coded, or text only), and today's date. Pure.
 */
import type { CodeableConcept, Coding, Patient, Practitioner, PractitionerRole, Reference, RelatedPerson } from '@medplum/fhirtypes';

export const HL7 = 'http://terminology.hl7.org/CodeSystem';

/** A CodeableConcept holding one code of an HL7 code system, with its display. */
export function hl7Concept(codeSystem: string, code: string, display: string): CodeableConcept {
  return { coding: [{ system: `${HL7}/${codeSystem}`, code, display }] };
}

/** The code of the first coding of `system` (or of any system) in a concept. */
export function codeOf(c: CodeableConcept | undefined, system?: string): string | undefined {
  return (system ? c?.coding?.find((x) => x.system === system) : c?.coding?.[0])?.code;
}

/** A picker's Coding as a CodeableConcept: coded with its display as text, or text only. */
export function conceptFromCoding(coding: Coding): CodeableConcept {
  const text = coding.display ?? coding.code ?? '';
  return coding.code ? { coding: [{ ...coding }], text } : { text };
}

/** The picker's Coding for a stored concept (the first coding of `system`, else its text). */
export function codingFromConcept(c: CodeableConcept | undefined, system: string): Coding | undefined {
  const coded = c?.coding?.find((x) => x.system === system && x.code);
  if (coded) return { system, code: coded.code!, ...(coded.display || c?.text ? { display: coded.display ?? c?.text } : {}) };
  const text = c?.text ?? c?.coding?.find((x) => x.display)?.display;
  return text ? { display: text } : undefined;
}

export function today(now: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** Whether `value` is a real calendar date (YYYY-MM-DD) not after `latest`. */
export function validPastDate(value: string, latest: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value && value <= latest;
}

/** Who is signed in, as the reference written into recorder/asserter fields. */
export type Me = Reference<Practitioner | PractitionerRole | Patient | RelatedPerson>;
