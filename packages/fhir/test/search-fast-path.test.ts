/**
 * The direct path walker must agree with fhirpath.js: for every official R4 example and every
 * search-parameter part of its type that the walker accepts, both give the same typed values.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { it } from 'node:test';
import type { Resource } from '@medplum/fhirtypes';
import { SearchParamRegistry } from '../src/search/registry.ts';
import { rewriteResolve, splitUnion } from '../src/search/expression-parts.ts';
import { compileFhirpath } from '../src/search/fhirpath-evaluator.ts';
import { compileFastPath } from '../src/search/fast-path.ts';

const dir = dirname(createRequire(import.meta.url).resolve('hl7.fhir.r4.examples/package.json'));

function normalise(values: { type: string; value: unknown }[]): string[] {
  return values.map((v) => `${v.type}:${JSON.stringify(v.value)}`);
}

it('accepts most parts and returns exactly what fhirpath.js returns on every R4 example', () => {
  const registry = SearchParamRegistry.r4();
  const cache = new Map<string, { fast: ReturnType<typeof compileFastPath>; slow: ReturnType<typeof compileFhirpath> }>();
  let compared = 0;
  let fastParts = 0;
  let allParts = 0;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json') && !f.startsWith('package') && !f.startsWith('.'))) {
    const resource = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Resource;
    if (!resource.resourceType) continue;
    for (const def of registry.forType(resource.resourceType)) {
      for (const raw of splitUnion(def.expression)) {
        const { expression } = rewriteResolve(raw);
        let c = cache.get(expression);
        if (!c) {
          c = { fast: compileFastPath(expression), slow: compileFhirpath(expression) };
          cache.set(expression, c);
          allParts++;
          if (c.fast) fastParts++;
        }
        if (!c.fast) continue;
        assert.deepEqual(normalise(c.fast(resource)), normalise(c.slow(resource)), `${file}: ${expression}`);
        compared++;
      }
    }
  }
  console.log(`fast path: ${fastParts} of ${allParts} distinct parts; ${compared} evaluations compared with fhirpath.js`);
  assert.ok(fastParts / allParts > 0.85, 'most parts take the fast path');
  assert.ok(compared > 10_000);
});
