/**
 * The starter code lists shipped in `packages/server/terminology/` (see its NOTICE.md): one
 * `<key>.tsv` per code system (`code<TAB>display` after a header line) plus `supplement.tsv`
 * (`table<TAB>code<TAB>display`: codes the demo data uses that the starter lists lack).
 *
 * The lists are read and indexed once, on first use, and then shared: they are immutable
 * reference data, never request state. `loadTerminology(dir)` builds a fresh copy from any folder
 * (tests, or a site's own lists).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CodeIndex, type Concept } from './code-index.ts';
import { CODE_SYSTEMS, type CodeSystemInfo } from './systems.ts';

export const SHIPPED_DIR = fileURLToPath(new URL('../../terminology/', import.meta.url));

export interface Terminology {
  index(system: CodeSystemInfo): CodeIndex;
}

function parseRows(text: string, columns: number): string[][] {
  return text
    .split(/\r?\n/)
    .slice(1)
    .filter((line) => line.trim() !== '')
    .map((line) => line.split('\t'))
    .filter((cells) => cells.length >= columns && cells.every((c) => c.trim() !== ''));
}

export async function loadTerminology(dir: string): Promise<Terminology> {
  const supplement = parseRows(await readFile(join(dir, 'supplement.tsv'), 'utf8').catch(() => 'table\tcode\tdisplay\n'), 3);
  const indexes = new Map<string, CodeIndex>();
  for (const system of CODE_SYSTEMS) {
    const rows = parseRows(await readFile(join(dir, `${system.key}.tsv`), 'utf8'), 2);
    const concepts: Concept[] = rows.map(([code, display]) => ({ code: code!.trim(), display: display!.trim() }));
    const known = new Set(concepts.map((c) => c.code));
    for (const [table, code, display] of supplement) {
      if (table === system.key && !known.has(code!.trim())) concepts.push({ code: code!.trim(), display: display!.trim() });
    }
    indexes.set(system.key, new CodeIndex(concepts));
  }
  return { index: (system) => indexes.get(system.key)! };
}

let shipped: Promise<Terminology> | undefined;

/** The shipped lists, loaded on first call. A failed load is retried on the next call. */
export function shippedTerminology(): Promise<Terminology> {
  shipped ??= loadTerminology(SHIPPED_DIR).catch((err: unknown) => {
    shipped = undefined;
    throw err;
  });
  return shipped;
}
