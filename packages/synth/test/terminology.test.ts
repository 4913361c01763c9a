/**
 * The shipped code tables against the project's shared starter terminology: every row copied
 * into packages/synth/terminology matches a shared row exactly (code and display), every
 * supplement row is a code the shared lists lack (so the supplement stays minimal and honest),
 * every table row is actually used, and every coding the generator emits in those systems is in
 * the tables with the same display.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { Coding } from '@medplum/fhirtypes';
import { SYSTEMS } from '../src/codes.ts';
import type { TableName } from '../src/codes.ts';
import { directoryBundle, patientBundles } from '../src/index.ts';

const SHARED = new URL('../../../../shared/terminology/', import.meta.url);
const LOCAL = new URL('../terminology/', import.meta.url);
const TABLES = Object.keys(SYSTEMS) as TableName[];

function tsv(url: URL): string[][] {
  return readFileSync(url, 'utf8').split('\n').slice(1).filter((l) => l !== '').map((l) => l.split('\t'));
}

function emittedCodings(): Coding[] {
  const out: Coding[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (typeof v === 'object' && v !== null) {
      const o = v as Record<string, unknown>;
      if (typeof o.system === 'string' && typeof o.code === 'string') out.push(o as Coding);
      Object.values(o).forEach(walk);
    }
  };
  const options = { seed: 'terminology', patients: 1500 };
  walk(directoryBundle(options));
  for (const b of patientBundles(options)) walk(b);
  return out;
}

describe('terminology tables', { skip: !existsSync(SHARED) && 'shared terminology not present' }, () => {
  const shared = new Map(TABLES.map((t) => [t, new Map(tsv(new URL(`${t}.tsv`, SHARED)).map(([c, d]) => [c, d]))]));
  const local = new Map(TABLES.map((t) => [t, new Map(tsv(new URL(`${t}.tsv`, LOCAL)).map(([c, d]) => [c, d]))]));
  const supplement = tsv(new URL('supplement.tsv', LOCAL));

  it('copies rows verbatim from the shared lists', () => {
    for (const t of TABLES) {
      for (const [code, display] of local.get(t) ?? []) assert.equal(shared.get(t)?.get(code ?? ''), display, `${t} ${code}`);
    }
  });

  it('supplements only codes the shared lists lack', () => {
    for (const [t, code] of supplement) assert.equal(shared.get(t as TableName)?.has(code ?? ''), false, `${t} ${code} is in the shared list`);
    assert.ok(supplement.length <= 20);
  });

  it('covers every emitted code, with matching displays, and ships no unused rows', () => {
    const bySystem = new Map<string, TableName>(TABLES.map((t) => [SYSTEMS[t], t]));
    const used = new Set<string>();
    for (const c of emittedCodings()) {
      const table = bySystem.get(c.system ?? '');
      if (!table) continue;
      used.add(`${table}|${c.code}`);
      const display = local.get(table)?.get(c.code ?? '') ?? supplement.find(([t, code]) => t === table && code === c.code)?.[2];
      assert.equal(c.display, display, `${table} ${c.code}`);
    }
    const shipped = [...TABLES.flatMap((t) => [...(local.get(t)?.keys() ?? [])].map((c) => `${t}|${c}`)), ...supplement.map(([t, c]) => `${t}|${c}`)];
    assert.deepEqual(shipped.filter((k) => !used.has(k)), []);
  });
});
