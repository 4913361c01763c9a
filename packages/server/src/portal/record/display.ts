/**
 * Plain-text renderings of FHIR values for the patient summary: a concept's name, a date, an
 * observation's value, a person's name. The narrative (narrative.ts) and the PDF (summary-pdf.ts)
 * both print these strings, so a reader sees the same words in either. No markup here: escaping
 * belongs to whoever puts a string into XHTML.
 */
import type { CodeableConcept, HumanName, Observation, Quantity } from '@medplum/fhirtypes';

export const NOT_RECORDED = '—';

/** A concept's text, else its first coding's display, else its first code. */
export function conceptText(cc: CodeableConcept | undefined): string {
  if (!cc) return NOT_RECORDED;
  if (cc.text) return cc.text;
  const coding = cc.coding?.find((c) => c.display) ?? cc.coding?.[0];
  return coding?.display ?? coding?.code ?? NOT_RECORDED;
}

/** The calendar day of a FHIR date or dateTime (as written, without time-zone conversion). */
export function dayText(value: string | undefined): string {
  if (!value) return NOT_RECORDED;
  return value.slice(0, 10);
}

export function quantityText(q: Quantity | undefined): string {
  if (!q || q.value === undefined) return NOT_RECORDED;
  const unit = q.unit ?? q.code ?? '';
  return `${q.comparator ?? ''}${q.value}${unit ? ` ${unit}` : ''}`;
}

type ObservationValue = Pick<Observation, 'valueQuantity' | 'valueCodeableConcept' | 'valueString' | 'valueBoolean' | 'valueInteger'>;

function valueOf(v: ObservationValue): string | undefined {
  if (v.valueQuantity) return quantityText(v.valueQuantity);
  if (v.valueCodeableConcept) return conceptText(v.valueCodeableConcept);
  if (v.valueString !== undefined) return v.valueString;
  if (v.valueInteger !== undefined) return String(v.valueInteger);
  if (v.valueBoolean !== undefined) return v.valueBoolean ? 'Yes' : 'No';
  return undefined;
}

/** An observation's value; for a panel such as blood pressure, its components one after another. */
export function observationValue(o: Observation): string {
  const own = valueOf(o);
  if (own !== undefined) return own;
  const parts = (o.component ?? []).flatMap((c) => {
    const v = valueOf(c);
    return v === undefined ? [] : [`${conceptText(c.code)} ${v}`];
  });
  return parts.length > 0 ? parts.join('; ') : NOT_RECORDED;
}

/** A person's name as it is spoken: the text, else given names then family name. */
export function personName(names: HumanName[] | undefined): string {
  const name = names?.find((n) => n.use === 'official') ?? names?.[0];
  if (!name) return 'Unnamed patient';
  if (name.text) return name.text;
  const parts = [...(name.prefix ?? []), ...(name.given ?? []), name.family ?? '', ...(name.suffix ?? [])].filter(Boolean);
  return parts.length > 0 ? parts.join(' ') : 'Unnamed patient';
}
