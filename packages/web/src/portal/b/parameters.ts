/**
 * Building and reading the FHIR `Parameters` the portal's operations take and answer
 * ($book, $cancel, $statement, $pay...): a part by name, its value whatever its type, and the
 * repeated parts with sub-parts ($statement's `invoice` and `payment`). No I/O.
 */
import type { Parameters, ParametersParameter } from '@medplum/fhirtypes';

/** An operation's parts, leaving out the optional ones not given (`false` or undefined): for `FhirClient.operation`. */
export function givenParts(...parts: ReadonlyArray<ParametersParameter | undefined | false>): ParametersParameter[] {
  return parts.filter((p): p is ParametersParameter => Boolean(p));
}

/** The parts named `name` (a Parameters resource or a part's sub-parts). */
export function partsNamed(source: Parameters | ParametersParameter | undefined, name: string): ParametersParameter[] {
  const list = source ? ('resourceType' in source ? source.parameter : source.part) : undefined;
  return (list ?? []).filter((p) => p.name === name);
}

export function partNamed(source: Parameters | ParametersParameter | undefined, name: string): ParametersParameter | undefined {
  return partsNamed(source, name)[0];
}

/** A part's value as text, whatever primitive type carries it. */
export function partText(source: Parameters | ParametersParameter | undefined, name: string): string | undefined {
  const p = partNamed(source, name);
  if (!p) return undefined;
  const value = p.valueString ?? p.valueCode ?? p.valueDateTime ?? p.valueInstant ?? p.valueDate ?? p.valueId ?? p.valueUri ?? p.valueReference?.reference;
  if (value !== undefined) return value;
  const n = p.valueInteger ?? p.valueDecimal ?? p.valueUnsignedInt ?? p.valuePositiveInt;
  if (n !== undefined) return String(n);
  return p.valueBoolean === undefined ? undefined : String(p.valueBoolean);
}

export function partNumber(source: Parameters | ParametersParameter | undefined, name: string): number | undefined {
  const text = partText(source, name);
  const n = text === undefined ? NaN : Number(text);
  return Number.isFinite(n) ? n : undefined;
}
