/**
 * The code tables the generator may emit, loaded once from `packages/synth/terminology/*.tsv`
 * (copied from the project's shared starter terminology, plus a small documented supplement).
 * Helpers such as `loinc('8480-6')` return a Coding with the table's display and throw for a
 * code that is not in the tables, so nothing outside them can ever reach the output. This module
 * does not validate codes against full releases.
 */
import { readFileSync } from 'node:fs';
import type { CodeableConcept, Coding } from '@medplum/fhirtypes';

export const SYSTEMS = {
  icd10cm: 'http://hl7.org/fhir/sid/icd-10-cm',
  loinc: 'http://loinc.org',
  rxnorm: 'http://www.nlm.nih.gov/research/umls/rxnorm',
  cvx: 'http://hl7.org/fhir/sid/cvx',
  hcpcs: 'https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets',
} as const;

export type TableName = keyof typeof SYSTEMS;

const TABLE_DIR = new URL('../terminology/', import.meta.url);

function readTsv(file: string): string[][] {
  const text = readFileSync(new URL(file, TABLE_DIR), 'utf8');
  return text.split('\n').slice(1).filter((l) => l !== '').map((l) => l.split('\t'));
}

function loadTables(): Record<TableName, Map<string, string>> {
  const tables = {} as Record<TableName, Map<string, string>>;
  for (const name of Object.keys(SYSTEMS) as TableName[]) {
    tables[name] = new Map(readTsv(`${name}.tsv`).map(([code, display]) => [code ?? '', display ?? '']));
  }
  for (const [name, code, display] of readTsv('supplement.tsv')) {
    tables[name as TableName].set(code ?? '', display ?? '');
  }
  return tables;
}

const TABLES = loadTables();

export function coding(table: TableName, code: string): Coding {
  const display = TABLES[table].get(code);
  if (display === undefined) throw new Error(`Code ${code} is not in the synth ${table} table`);
  return { system: SYSTEMS[table], code, display };
}

export function concept(table: TableName, code: string, text?: string): CodeableConcept {
  const c = coding(table, code);
  return { coding: [c], text: text ?? c.display };
}

export const loinc = (code: string): Coding => coding('loinc', code);
export const icd = (code: string): Coding => coding('icd10cm', code);
export const rx = (code: string): Coding => coding('rxnorm', code);
export const cvx = (code: string): Coding => coding('cvx', code);
export const hcpcs = (code: string): Coding => coding('hcpcs', code);

/** A CodeableConcept from a fixed (non-table) system such as HL7's own code systems. */
export function fixed(system: string, code: string, display: string): CodeableConcept {
  return { coding: [{ system, code, display }] };
}
