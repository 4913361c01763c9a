#!/usr/bin/env node
// Runs the test suite with Node's built-in runner (TypeScript through tsx).
// Usage: node scripts/test.mjs [--suite storage,api,...] [files...]
// Suites map to folders: a file `packages/server/test/api/x.int.test.ts` belongs to suite `api`.
// CONTINUUM_TEST_BACKEND=pglite|postgres picks the database for storage and API suites.
// Files run two at a time, except `*.solo.test.ts` files: they time what a user sees on an idle
// machine, so they run afterwards, one at a time, with nothing beside them.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
let suites = null;
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--suite') suites = new Set(args[++i].split(','));
  else files.push(args[i]);
}

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.test\.ts$/.test(name)) out.push(p);
  }
  return out;
}

let targets = files;
if (targets.length === 0) {
  targets = walk(join(root, 'packages'), []).filter((f) => f.split(sep).includes('test'));
  if (suites) {
    targets = targets.filter((f) => f.split(sep).some((part) => suites.has(part)));
  }
  targets = targets.map((f) => relative(process.cwd(), f)).sort();
}
if (targets.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
const backend = process.env.CONTINUUM_TEST_BACKEND ?? 'pglite';
console.log(`# backend: ${backend}; ${targets.length} test files`);
const run = (files, concurrency) =>
  files.length === 0
    ? 0
    : (spawnSync(
        process.execPath,
        ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files],
        { stdio: 'inherit', env: { ...process.env, CONTINUUM_TEST_BACKEND: backend } },
      ).status ?? 1);
const solo = targets.filter((f) => f.endsWith('.solo.test.ts'));
const shared = run(targets.filter((f) => !solo.includes(f)), 2);
const alone = run(solo, 1);
process.exit(shared || alone);
