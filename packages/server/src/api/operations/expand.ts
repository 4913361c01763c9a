/**
 * `ValueSet/$expand` (GET, or POST with a Parameters body) over the shipped code systems'
 * implicit value sets: `url` names one (`http://hl7.org/fhir/sid/icd-10-cm?fhir_vs`,
 * `http://loinc.org/vs`, `http://www.nlm.nih.gov/research/umls/rxnorm?fhir_vs`,
 * `http://hl7.org/fhir/sid/cvx?fhir_vs`, HCPCS, or a plain system URI), `filter` narrows it
 * (matching and ranking: terminology/code-index.ts), `count` (default 20, capped at 100) and
 * `offset` page it. Answers a ValueSet whose `expansion` holds `total`, `offset` and
 * `contains[{system, code, display}]`. An unknown url, a filter under two characters, or a
 * count or offset that is not a whole number is a 400. Stored ValueSets are not expanded.
 */
import { randomUUID } from 'node:crypto';
import type { ValueSet } from '@medplum/fhirtypes';
import { badRequest } from '@continuum/fhir';
import { checkTerminologyAccess } from '../../access/terminology.ts';
import { shippedTerminology } from '../../terminology/shipped.ts';
import { CODE_SYSTEMS, systemOfValueSet } from '../../terminology/systems.ts';
import { wordsOf } from '../../terminology/words.ts';
import type { ApiContext, FhirRequest, FhirResponse } from '../types.ts';
import { integerInput, operationInputs, stringInput } from './terminology-params.ts';

export const EXPAND_DEFAULT_COUNT = 20;
export const EXPAND_MAX_COUNT = 100;
export const FILTER_MIN_LENGTH = 2;
const OP = '$expand';
const INPUTS = new Set(['url', 'filter', 'count', 'offset']);

export async function expandOperation(ctx: ApiContext, req: FhirRequest): Promise<FhirResponse> {
  checkTerminologyAccess(ctx.principal, 'ValueSet');
  const inputs = operationInputs(req, OP);
  for (const name of inputs.keys()) {
    if (!INPUTS.has(name)) throw badRequest(`${OP}: the parameter '${name}' is not supported (use url, filter, count and offset)`);
  }
  const url = stringInput(inputs, 'url', OP);
  if (!url) throw badRequest(`${OP} needs a 'url': one of ${CODE_SYSTEMS.map((s) => s.valueSet).join(', ')}`);
  const system = systemOfValueSet(url);
  if (!system) throw badRequest(`${OP}: the value set '${url}' is not known here (known: ${CODE_SYSTEMS.map((s) => s.valueSet).join(', ')})`);
  const filter = stringInput(inputs, 'filter', OP);
  if (filter !== undefined && wordsOf(filter).join('').length < FILTER_MIN_LENGTH) {
    throw badRequest(`${OP}: the filter must have at least ${FILTER_MIN_LENGTH} letters or digits`);
  }
  const count = Math.min(integerInput(inputs, 'count', OP, EXPAND_DEFAULT_COUNT), EXPAND_MAX_COUNT);
  const offset = integerInput(inputs, 'offset', OP, 0);

  const index = (await shippedTerminology()).index(system);
  const { total, concepts } = filter === undefined ? { total: index.size, concepts: index.all().slice(offset, offset + count) } : index.search(filter, offset, count);
  const valueSet: ValueSet = {
    resourceType: 'ValueSet',
    url: system.valueSet,
    name: `${system.name.replace(/[^A-Za-z0-9]/g, '')}AllCodes`,
    title: `All ${system.name} codes`,
    status: 'active',
    compose: { include: [{ system: system.url }] },
    expansion: {
      identifier: `urn:uuid:${randomUUID()}`,
      timestamp: new Date().toISOString(),
      total,
      offset,
      parameter: [
        ...(filter !== undefined ? [{ name: 'filter', valueString: filter }] : []),
        { name: 'count', valueInteger: count },
        { name: 'offset', valueInteger: offset },
      ],
      contains: concepts.map((c) => ({ system: system.url, code: c.code, display: c.display })),
    },
  };
  return { status: 200, headers: {}, body: valueSet };
}
