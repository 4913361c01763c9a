/**
 * String search rows from string-like primitives, HumanName and Address. A HumanName gives one row
 * per family, given, prefix and suffix part, plus its full text (`HumanName.text`, or when absent
 * the parts joined in the order prefix given family suffix, so `name:contains=john sm` can match).
 * An Address gives one row per line, city, district, state, postalCode, country and text. Other
 * complex types give nothing. Empty values are skipped and duplicates within a parameter collapsed.
 */
import type { Address, HumanName } from '@medplum/fhirtypes';
import type { TypedValue } from './fhirpath-evaluator.ts';
import type { StringRow } from './index-rows.ts';
import { normaliseText } from './normalise.ts';

const STRING_TYPES = new Set(['string', 'markdown', 'code', 'id', 'uri', 'url', 'canonical', 'oid', 'uuid']);

function texts(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [];
}

function humanNameParts(name: HumanName): string[] {
  const parts = [...texts(name.family), ...texts(name.given), ...texts(name.prefix), ...texts(name.suffix)];
  const full = name.text ?? [...texts(name.prefix), ...texts(name.given), ...texts(name.family), ...texts(name.suffix)].join(' ');
  return [...parts, full];
}

function addressParts(address: Address): string[] {
  return [
    ...texts(address.line),
    ...texts(address.city),
    ...texts(address.district),
    ...texts(address.state),
    ...texts(address.postalCode),
    ...texts(address.country),
    ...texts(address.text),
  ];
}

function partsOf(item: TypedValue): string[] {
  if (STRING_TYPES.has(item.type)) return texts(item.value);
  if (item.type === 'HumanName') return humanNameParts(item.value as HumanName);
  if (item.type === 'Address') return addressParts(item.value as Address);
  return [];
}

export function addStringRows(param: string, values: readonly TypedValue[], out: StringRow[]): void {
  const seen = new Set<string>();
  for (const item of values) {
    for (const exact of partsOf(item)) {
      const norm = normaliseText(exact);
      if (norm === '' || seen.has(exact)) continue;
      seen.add(exact);
      out.push({ param, norm, exact });
    }
  }
}
