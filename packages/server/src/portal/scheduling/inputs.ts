/**
 * Reads the booking operations' Parameters bodies: each input once, only the names an operation
 * takes (else 400), and typed readers for a reference (valueReference, or a `Type/id` string), a
 * string and a Coding. The terminology operations' reader (api/operations/terminology-params.ts)
 * takes no references, which these operations are made of.
 */
import type { Coding, Parameters, ParametersParameter } from '@medplum/fhirtypes';
import { badRequest } from '@continuum/fhir';
import type { FhirRequest } from '../../api/types.ts';

export class OperationInputs {
  private constructor(
    private readonly op: string,
    private readonly byName: ReadonlyMap<string, ParametersParameter>,
  ) {}

  static read(req: FhirRequest, op: string, allowed: readonly string[]): OperationInputs {
    const byName = new Map<string, ParametersParameter>();
    const body = req.body as Parameters | undefined;
    if (body !== undefined) {
      if (typeof body !== 'object' || body === null || body.resourceType !== 'Parameters') throw badRequest(`${op} takes a Parameters resource in the body`);
      for (const p of body.parameter ?? []) {
        if (!allowed.includes(p.name)) throw badRequest(`${op}: the parameter '${p.name}' is not supported (use ${allowed.join(', ')})`);
        if (byName.has(p.name)) throw badRequest(`${op}: '${p.name}' is given more than once`);
        byName.set(p.name, p);
      }
    }
    return new OperationInputs(op, byName);
  }

  /** The id of a `Type/id` reference input; 400 when it is missing (and required) or not one. */
  reference(name: string, type: string): string;
  reference(name: string, type: string, optional: 'optional'): string | undefined;
  reference(name: string, type: string, optional?: 'optional'): string | undefined {
    const p = this.byName.get(name);
    const value = p?.valueReference?.reference ?? p?.valueString;
    if (value === undefined && optional) return undefined;
    const m = /^([A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})$/.exec(value?.trim() ?? '');
    if (!m || m[1] !== type) throw badRequest(`${this.op}: '${name}' must be a reference to a ${type}, like ${type}/123`);
    return m[2]!;
  }

  string(name: string): string | undefined {
    const p = this.byName.get(name);
    if (p === undefined) return undefined;
    if (typeof p.valueString !== 'string') throw badRequest(`${this.op}: '${name}' must be a valueString`);
    return p.valueString.trim() || undefined;
  }

  coding(name: string): Coding | undefined {
    const p = this.byName.get(name);
    if (p === undefined) return undefined;
    if (!p.valueCoding?.code) throw badRequest(`${this.op}: '${name}' must be a valueCoding with a code`);
    return p.valueCoding;
  }
}
