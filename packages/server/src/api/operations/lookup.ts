/**
 * `CodeSystem/$lookup` (GET, or POST with a Parameters body) over the shipped code systems:
 * `system` and `code` (or a `coding`) name a concept; the answer is a Parameters with `name`
 * (the system's name) and `display`. A missing input or an unknown system is a 400, a code the
 * system does not hold a 404.
 */
import type { Parameters } from '@medplum/fhirtypes';
import { badRequest, notFound } from '@continuum/fhir';
import { checkTerminologyAccess } from '../../access/terminology.ts';
import { shippedTerminology } from '../../terminology/shipped.ts';
import { CODE_SYSTEMS, systemOfUri } from '../../terminology/systems.ts';
import type { ApiContext, FhirRequest, FhirResponse } from '../types.ts';
import { operationInputs, stringInput } from './terminology-params.ts';

const OP = '$lookup';
const INPUTS = new Set(['system', 'code', 'coding', 'version', 'property', 'displayLanguage', 'date']);

export async function lookupOperation(ctx: ApiContext, req: FhirRequest): Promise<FhirResponse> {
  checkTerminologyAccess(ctx.principal, 'CodeSystem');
  const inputs = operationInputs(req, OP);
  for (const name of inputs.keys()) {
    if (!INPUTS.has(name)) throw badRequest(`${OP}: the parameter '${name}' is not supported (use system and code, or coding)`);
  }
  const coding = inputs.get('coding');
  const fromCoding = typeof coding === 'object' ? coding : undefined;
  const systemUri = fromCoding?.system ?? stringInput(inputs, 'system', OP);
  const code = fromCoding?.code ?? stringInput(inputs, 'code', OP);
  if (!systemUri || !code) throw badRequest(`${OP} needs a 'system' and a 'code' (or a 'coding')`);
  const system = systemOfUri(systemUri);
  if (!system) throw badRequest(`${OP}: the code system '${systemUri}' is not known here (known: ${CODE_SYSTEMS.map((s) => s.url).join(', ')})`);
  const concept = (await shippedTerminology()).index(system).lookup(code);
  if (!concept) throw notFound(`${OP}: '${code}' is not a code of ${system.name} here`);
  const body: Parameters = {
    resourceType: 'Parameters',
    parameter: [
      { name: 'name', valueString: system.name },
      { name: 'display', valueString: concept.display },
    ],
  };
  return { status: 200, headers: {}, body };
}
