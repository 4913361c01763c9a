/**
 * A small JSON Schema validator for the CDS Hooks 2.0 schemas in this folder: the keywords they
 * use (type, required, properties, additionalProperties, items, minItems, enum, pattern, maxLength,
 * local $ref), nothing more. Answers the list of problems, each with its JSON path; empty = valid.
 * Also validates itself against hand-made good and bad documents (json-schema.test.ts).
 */
import { readFileSync } from 'node:fs';

export interface Schema {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  required?: string[];
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  minItems?: number;
  enum?: unknown[];
  pattern?: string;
  maxLength?: number;
  $ref?: string;
}

export const CDS_SCHEMAS = JSON.parse(readFileSync(new URL('./cds-hooks-2.0.schema.json', import.meta.url), 'utf8')) as { definitions: Record<string, Schema> };

function typeOk(t: Schema['type'], v: unknown): boolean {
  switch (t) {
    case 'object':
      return typeof v === 'object' && v !== null && !Array.isArray(v);
    case 'array':
      return Array.isArray(v);
    case 'integer':
      return Number.isInteger(v);
    case 'number':
      return typeof v === 'number';
    case 'string':
      return typeof v === 'string';
    case 'boolean':
      return typeof v === 'boolean';
    case undefined:
      return true;
  }
}

export function validate(schema: Schema, value: unknown, path = '$', defs = CDS_SCHEMAS.definitions): string[] {
  if (schema.$ref) {
    const target = defs[schema.$ref.replace('#/definitions/', '')];
    if (!target) return [`${path}: unknown $ref ${schema.$ref}`];
    return validate(target, value, path, defs);
  }
  if (!typeOk(schema.type, value)) return [`${path}: expected ${schema.type}`];
  const errors: string[] = [];
  if (schema.enum && !schema.enum.includes(value)) errors.push(`${path}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  if (typeof value === 'string') {
    if (schema.pattern && !new RegExp(schema.pattern).test(value)) errors.push(`${path}: does not match ${schema.pattern}`);
    if (schema.maxLength !== undefined && value.length > schema.maxLength) errors.push(`${path}: longer than ${schema.maxLength}`);
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) errors.push(`${path}: fewer than ${schema.minItems} items`);
    if (schema.items) value.forEach((v, i) => errors.push(...validate(schema.items!, v, `${path}[${i}]`, defs)));
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const obj = value as Record<string, unknown>;
    for (const r of schema.required ?? []) if (!(r in obj)) errors.push(`${path}.${r}: required`);
    for (const [k, v] of Object.entries(obj)) {
      const p = schema.properties?.[k];
      if (p) errors.push(...validate(p, v, `${path}.${k}`, defs));
      else if (schema.additionalProperties === false) errors.push(`${path}.${k}: not allowed`);
      else if (typeof schema.additionalProperties === 'object') errors.push(...validate(schema.additionalProperties, v, `${path}.${k}`, defs));
    }
  }
  return errors;
}

/** Validates against a named definition (`discovery`, `request`, `response`, `card`, `feedback`). */
export const validateAs = (name: string, value: unknown): string[] => validate({ $ref: `#/definitions/${name}` }, value);
