/**
 * `MedicationKnowledge/$catalogue` (GET, or POST with a Parameters body): searches the shipped
 * medication catalogue (RxNorm drugs parsed into ingredients, strengths and forms, with drug
 * classes: medications/) by `name`, `strength`, `form`, `ingredient`, `class` and `code`, `_count`
 * (default 20, capped at 100). Answers a `searchset` Bundle of MedicationKnowledge resources with
 * the total. An unknown parameter, an unknown class, a strength that is not a number with an
 * optional unit, a name or form without letters or digits, or a bad `_count` is a 400.
 */
import type { Bundle, MedicationKnowledge } from '@medplum/fhirtypes';
import { badRequest } from '@continuum/fhir';
import { checkMedicationCatalogueAccess } from '../../access/medication-catalogue.ts';
import { parseStrength, type CatalogueQuery } from '../../medications/catalogue-search.ts';
import { shippedKnowledge } from '../../medications/knowledge.ts';
import { toMedicationKnowledge } from '../../medications/medication-knowledge.ts';
import { foldName } from '../../medications/names.ts';
import { queryValue, type ApiContext, type FhirRequest, type FhirResponse } from '../types.ts';
import { integerInput, operationInputs, stringInput } from './terminology-params.ts';

export const CATALOGUE_DEFAULT_COUNT = 20;
export const CATALOGUE_MAX_COUNT = 100;
const OP = '$catalogue';
const INPUTS = new Set(['name', 'strength', 'form', 'ingredient', 'class', 'code', '_count']);

export async function catalogueOperation(ctx: ApiContext, req: FhirRequest): Promise<FhirResponse> {
  checkMedicationCatalogueAccess(ctx.principal);
  const inputs = operationInputs(req, OP);
  const queryCount = queryValue(req, '_count');
  if (queryCount !== undefined && !inputs.has('_count')) inputs.set('_count', queryCount);
  for (const [k] of req.query) {
    if (k.startsWith('_') && k !== '_count' && k !== '_format' && k !== '_pretty') throw badRequest(`${OP}: the parameter '${k}' is not supported`);
  }
  for (const name of inputs.keys()) {
    if (!INPUTS.has(name)) throw badRequest(`${OP}: the parameter '${name}' is not supported (use name, strength, form, ingredient, class, code and _count)`);
  }
  const text = (name: string): string | undefined => {
    const v = stringInput(inputs, name, OP);
    if (v !== undefined && foldName(v).replace(/[^a-z0-9]/g, '') === '') throw badRequest(`${OP}: '${name}' needs letters or digits`);
    return v?.trim();
  };
  const knowledge = shippedKnowledge();
  const query: CatalogueQuery = {};
  const name = text('name');
  const form = text('form');
  const ingredient = text('ingredient');
  const code = text('code');
  const cls = text('class');
  const strength = text('strength');
  if (name) query.name = name;
  if (form) query.form = form;
  if (ingredient) query.ingredient = ingredient;
  if (code) query.code = code;
  if (cls) {
    if (!knowledge.classes.get(cls)) throw badRequest(`${OP}: the class '${cls}' is not known (see docs/medication-knowledge.md for the class codes)`);
    query.class = cls;
  }
  if (strength) {
    const parsed = parseStrength(strength);
    if (!parsed) throw badRequest(`${OP}: 'strength' must be a number with an optional unit, e.g. 20 or 20 mg (got '${strength}')`);
    query.strength = parsed;
  }
  const count = Math.min(integerInput(inputs, '_count', OP, CATALOGUE_DEFAULT_COUNT), CATALOGUE_MAX_COUNT);
  const { total, entries } = knowledge.search.search(query, count);
  const resources: MedicationKnowledge[] = entries.map((e) => toMedicationKnowledge(e, knowledge.classes));
  const given: Array<[string, string]> = [['name', name], ['strength', strength], ['form', form], ['ingredient', ingredient], ['class', cls], ['code', code]].filter((e): e is [string, string] => !!e[1]);
  const self = new URLSearchParams([...given, ['_count', String(count)]]);
  const bundle: Bundle<MedicationKnowledge> = {
    resourceType: 'Bundle',
    type: 'searchset',
    total,
    link: [{ relation: 'self', url: `${ctx.baseUrl}/MedicationKnowledge/$catalogue?${self.toString()}` }],
    entry: resources.map((resource) => ({ fullUrl: `${ctx.baseUrl}/MedicationKnowledge/${resource.id}`, resource, search: { mode: 'match' } })),
  };
  return { status: 200, headers: {}, body: bundle };
}
