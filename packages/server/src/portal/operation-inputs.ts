/**
 * Reads the inputs of a portal operation from its Parameters body (POST) or query (GET): each
 * named input once at most, typed (string, code, Coding, date, Reference, Attachment, Money), with a clear 400
 * naming the operation and the input when one is missing, repeated where it may not be, or of
 * the wrong type. Inputs the operation does not know are refused too, so a typo is not ignored.
 */
import type { Attachment, Coding, Money, Parameters, ParametersParameter, Reference } from '@medplum/fhirtypes';
import { badRequest } from '@continuum/fhir';
import type { FhirRequest } from '../api/types.ts';

export class OperationInputs {
  private constructor(
    readonly operation: string,
    private readonly byName: ReadonlyMap<string, ParametersParameter[]>,
  ) {}

  /** The inputs of `req`; any name outside `known` is a 400. */
  static read(req: FhirRequest, operation: string, known: readonly string[]): OperationInputs {
    const byName = new Map<string, ParametersParameter[]>();
    const add = (p: ParametersParameter): void => {
      if (!known.includes(p.name)) throw badRequest(`${operation}: the parameter '${p.name}' is not supported (use ${known.join(', ')})`);
      byName.set(p.name, [...(byName.get(p.name) ?? []), p]);
    };
    for (const [name, value] of req.query) if (!name.startsWith('_')) add({ name, valueString: value });
    if (req.method === 'POST' && req.body !== undefined) {
      const body = req.body as Parameters | null;
      if (typeof body !== 'object' || body === null || body.resourceType !== 'Parameters') throw badRequest(`${operation} takes a Parameters resource in the body`);
      for (const p of body.parameter ?? []) {
        if (typeof p?.name !== 'string') throw badRequest(`${operation}: every parameter needs a name`);
        add(p);
      }
    }
    return new OperationInputs(operation, byName);
  }

  private one(name: string): ParametersParameter | undefined {
    const all = this.byName.get(name) ?? [];
    if (all.length > 1) throw badRequest(`${this.operation}: '${name}' is given more than once`);
    return all[0];
  }

  private missing(name: string): never {
    throw badRequest(`${this.operation}: '${name}' is required`);
  }

  /** A string input (valueString, or a query value), trimmed; blank counts as absent. */
  string(name: string): string | undefined {
    const p = this.one(name);
    if (p === undefined) return undefined;
    const v = p.valueString ?? p.valueCode;
    if (typeof v !== 'string') throw badRequest(`${this.operation}: '${name}' must be a string`);
    return v.trim() === '' ? undefined : v.trim();
  }

  requiredString(name: string): string {
    return this.string(name) ?? this.missing(name);
  }

  /** A code input (valueCode, valueString or a query value). */
  code(name: string): string | undefined {
    return this.string(name);
  }

  /** A calendar date input (valueDate, or a YYYY-MM-DD string or query value). */
  date(name: string): string | undefined {
    const p = this.one(name);
    if (p === undefined) return undefined;
    const v = (p.valueDate ?? p.valueString)?.trim();
    if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(v)) || new Date(v).toISOString().slice(0, 10) !== v) {
      throw badRequest(`${this.operation}: '${name}' must be a date (YYYY-MM-DD)`);
    }
    return v;
  }

  /** A Reference input of the form `Type/id` (valueReference, or the plain `Type/id` text). */
  reference(name: string, types: readonly string[]): { type: string; id: string } | undefined {
    const p = this.one(name);
    if (p === undefined) return undefined;
    const ref: Reference | undefined = p.valueReference ?? (typeof p.valueString === 'string' ? { reference: p.valueString } : undefined);
    const m = typeof ref?.reference === 'string' ? /^([A-Z][A-Za-z]+)\/([A-Za-z0-9.-]{1,64})$/.exec(ref.reference.trim()) : null;
    if (!m) throw badRequest(`${this.operation}: '${name}' must be a reference like ${types[0] ?? 'Type'}/id`);
    if (types.length > 0 && !types.includes(m[1]!)) throw badRequest(`${this.operation}: '${name}' must refer to ${types.join(' or ')}`);
    return { type: m[1]!, id: m[2]! };
  }

  /** A required Reference input of one type: its id. */
  requiredReference(name: string, type: string): string {
    return (this.reference(name, [type]) ?? this.missing(name)).id;
  }

  /** A Coding input (valueCoding) with a code. */
  coding(name: string): Coding | undefined {
    const p = this.one(name);
    if (p === undefined) return undefined;
    if (!p.valueCoding?.code) throw badRequest(`${this.operation}: '${name}' must be a valueCoding with a code`);
    return p.valueCoding;
  }

  /** Every Attachment given under `name` (valueAttachment). */
  attachments(name: string): Attachment[] {
    return (this.byName.get(name) ?? []).map((p) => {
      if (typeof p.valueAttachment !== 'object' || p.valueAttachment === null) throw badRequest(`${this.operation}: '${name}' must be an Attachment`);
      return p.valueAttachment;
    });
  }

  /** A Money input (valueMoney). */
  money(name: string): Money | undefined {
    const p = this.one(name);
    if (p === undefined) return undefined;
    const m = p.valueMoney;
    if (typeof m !== 'object' || m === null || typeof m.value !== 'number' || !Number.isFinite(m.value)) throw badRequest(`${this.operation}: '${name}' must be a Money with a numeric value`);
    return m;
  }
}
