/**
 * A catalogue entry as a FHIR R4 MedicationKnowledge: the RxNorm coding, `status: active`, the
 * dose form (text: RxNorm's dose form names have no FHIR code system here), each ingredient with
 * its strength as a Ratio in UCUM units (per 1 unit of the dose form, or per mL), the brand as a
 * `synonym`, and the drug classes as `medicineClassification` in Continuum's drug-class code
 * system (`DRUG_CLASS_SYSTEM`), grouped by kind (therapeutic, pharmacokinetic). Pure.
 */
import type { MedicationKnowledge, Quantity, Ratio } from '@medplum/fhirtypes';
import type { CatalogueEntry, CatalogueIngredient } from './catalogue.ts';
import type { ClassIndex, ClassKind, DrugClass } from './classes.ts';
import { RXNORM } from './resolve.ts';

export const DRUG_CLASS_SYSTEM = 'https://continuum.example/fhir/CodeSystem/drug-class';
export const DRUG_CLASS_KIND_SYSTEM = 'https://continuum.example/fhir/CodeSystem/drug-class-kind';
const UCUM = 'http://unitsofmeasure.org';
const UNITS: Record<string, string> = { MG: 'mg', ML: 'mL', MCG: 'ug', UNT: '[U]', MEQ: 'meq', HR: 'h', ACTUAT: '{actuat}', DAY: 'd' };

const quantity = (value: number, unit: string): Quantity => {
  const code = UNITS[unit] ?? unit.toLowerCase();
  return { value, unit: code, system: UCUM, code };
};

function strengthOf(i: CatalogueIngredient): Ratio | undefined {
  const s = i.strength;
  if (!s) return undefined;
  return { numerator: quantity(s.value, s.unit), denominator: s.perUnit ? quantity(s.perValue ?? 1, s.perUnit) : { value: 1, unit: '1', system: UCUM, code: '1' } };
}

export function classesOfEntry(entry: CatalogueEntry, classes: ClassIndex): DrugClass[] {
  const seen = new Map<string, DrugClass>();
  for (const i of entry.ingredients) for (const c of classes.classesOf(i.key)) if (c.kind !== 'interaction-group') seen.set(c.id, c);
  return [...seen.values()];
}

export function toMedicationKnowledge(entry: CatalogueEntry, classes: ClassIndex): MedicationKnowledge {
  const byKind = new Map<ClassKind, DrugClass[]>();
  for (const c of classesOfEntry(entry, classes)) byKind.set(c.kind, [...(byKind.get(c.kind) ?? []), c]);
  return {
    resourceType: 'MedicationKnowledge',
    id: `rxnorm-${entry.code}`,
    code: { coding: [{ system: RXNORM, code: entry.code, display: entry.display }], text: entry.display },
    status: 'active',
    ...(entry.doseForm ? { doseForm: { text: entry.doseForm } } : {}),
    ...(entry.brand ? { synonym: [entry.brand] } : {}),
    ...(entry.quantity ? { amount: quantity(entry.quantity.value, entry.quantity.unit) } : {}),
    ingredient: entry.ingredients.map((i) => {
      const strength = strengthOf(i);
      return { itemCodeableConcept: { text: i.name }, isActive: true, ...(strength ? { strength } : {}) };
    }),
    ...(byKind.size
      ? {
          medicineClassification: [...byKind].map(([kind, list]) => ({
            type: { coding: [{ system: DRUG_CLASS_KIND_SYSTEM, code: kind }] },
            classification: list.map((c) => ({ coding: [{ system: DRUG_CLASS_SYSTEM, code: c.id, display: c.label }] })),
          })),
        }
      : {}),
  };
}
