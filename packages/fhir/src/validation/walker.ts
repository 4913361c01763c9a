/**
 * Walks a resource's JSON alongside medplum's indexed type schemas to apply the checks medplum's
 * validator lacks: required-strength bindings on code, Coding and CodeableConcept elements, and
 * the format of `Reference.reference`. It descends into complex datatypes, backbone elements,
 * choice-type properties, `_primitive` extension holders, contained resources and other resources
 * nested in the tree (Bundle entries, Parameters). It does not report structural problems such as
 * unknown properties or wrong JSON types: those are medplum's, so such values are skipped quietly.
 * Per-type property tables are computed once and cached on the instance.
 */
import { tryGetDataType } from '@medplum/core';
import type { InternalSchemaElement, InternalTypeSchema } from '@medplum/core';
import type { OperationOutcomeIssue } from '@medplum/fhirtypes';
import { issue } from '../outcomes.ts';
import { checkBinding } from './bindings.ts';
import { referenceFormatError } from './references.ts';
import type { Terminology } from './terminology.ts';

/** How one JSON property of a type is checked. */
interface Field {
  readonly typeCode: string;
  readonly isArray: boolean;
  readonly primitive: boolean;
  /** Canonical of a required binding, if the element has one. */
  readonly requiredValueSet: string | undefined;
}

export interface WalkOptions {
  readonly allowConditionalReferences: boolean;
}

type JsonObject = Record<string, unknown>;

const BOUND_TYPES = new Set(['code', 'Coding', 'CodeableConcept']);

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPrimitiveType(code: string): boolean {
  const first = code.charCodeAt(0);
  // FHIR primitives are lower-case (`string`, `code`); System.* types appear as URLs.
  return (first >= 97 && first <= 122) || code.startsWith('http://hl7.org/fhirpath/');
}

function fieldsFor(key: string, element: InternalSchemaElement, out: Map<string, Field>): void {
  const choice = key.endsWith('[x]');
  const base = choice ? key.slice(0, -3) : key;
  for (const type of element.type) {
    const primitive = isPrimitiveType(type.code);
    const required = element.binding?.strength === 'required' && BOUND_TYPES.has(type.code);
    const name = choice ? base + type.code.charAt(0).toUpperCase() + type.code.slice(1) : base;
    out.set(name, {
      typeCode: type.code,
      isArray: !!element.isArray,
      primitive,
      requiredValueSet: required ? element.binding?.valueSet : undefined,
    });
    if (primitive) {
      out.set(`_${name}`, { typeCode: 'Element', isArray: !!element.isArray, primitive: false, requiredValueSet: undefined });
    }
  }
}

export class ResourceWalker {
  private readonly tables = new Map<InternalTypeSchema, Map<string, Field>>();

  constructor(
    private readonly terminology: Terminology,
    private readonly isResourceType: (name: string) => boolean,
  ) {}

  /** Appends binding and reference errors for `resource` (already known to be a resource object). */
  walk(resource: JsonObject, options: WalkOptions, issues: OperationOutcomeIssue[]): void {
    const type = resource.resourceType as string;
    const schema = tryGetDataType(type);
    if (schema) this.walkObject(resource, schema, type, options, issues);
  }

  private table(schema: InternalTypeSchema): Map<string, Field> {
    let table = this.tables.get(schema);
    if (!table) {
      table = new Map();
      for (const [key, element] of Object.entries(schema.elements)) fieldsFor(key, element, table);
      this.tables.set(schema, table);
    }
    return table;
  }

  private walkObject(
    value: JsonObject,
    schema: InternalTypeSchema,
    path: string,
    options: WalkOptions,
    issues: OperationOutcomeIssue[],
  ): void {
    const table = this.table(schema);
    for (const key in value) {
      const field = table.get(key);
      if (!field) continue;
      const child = value[key];
      const childPath = `${path}.${key}`;
      if (Array.isArray(child)) {
        for (let i = 0; i < child.length; i++) {
          this.visit(child[i], field, field.isArray ? `${childPath}[${i}]` : childPath, options, issues);
        }
      } else {
        this.visit(child, field, childPath, options, issues);
      }
    }
  }

  private visit(value: unknown, field: Field, path: string, options: WalkOptions, issues: OperationOutcomeIssue[]): void {
    if (value === null || value === undefined) return;
    if (field.requiredValueSet) {
      const expansion = this.terminology.expand(field.requiredValueSet);
      if (expansion) checkBinding(value, field.typeCode, expansion, path, issues);
    }
    if (field.primitive || !isObject(value)) return;
    if (field.typeCode === 'Reference' && typeof value.reference === 'string') {
      const error = referenceFormatError(value.reference, {
        allowConditionalReferences: options.allowConditionalReferences,
        isResourceType: this.isResourceType,
      });
      if (error) issues.push(issue('error', 'value', error, [`${path}.reference`]));
    }
    let schema: InternalTypeSchema | undefined;
    if (field.typeCode === 'Resource') {
      const type = value.resourceType;
      if (typeof type === 'string' && this.isResourceType(type)) schema = tryGetDataType(type);
    } else {
      schema = tryGetDataType(field.typeCode);
    }
    if (schema) this.walkObject(value, schema, path, options, issues);
  }
}
