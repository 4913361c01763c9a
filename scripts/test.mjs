#!/usr/bin/env node
// Runs the test suite with Node's built-in runner, on bundles of the TypeScript (see `entries`).
// Usage: node scripts/test.mjs [--suite storage,api,...] [--times] [files...] (suites and files together run both)
// Suites map to folders: a file `packages/server/test/api/x.int.test.ts` belongs to suite `api`.
// CONTINUUM_TEST_BACKEND=pglite|postgres picks the database for storage and API suites.
// Files run two at a time, longest first (by scripts/test-durations.json), except
// `*.solo.test.ts` files: they time what a user sees on an idle machine, so they run afterwards,
// one at a time, with nothing beside them. The few files that mostly wait for the clock
// (CLOCK_BOUND) run in a third lane beside the two.
// --times runs each file in a process of its own, still two at a time, and writes how long each
// took into scripts/test-durations.json (merged with the durations of the files not run).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { pathToFileURL } from 'node:url';
import { join, relative, resolve, sep } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const DURATIONS = join(root, 'scripts', 'test-durations.json');
const args = process.argv.slice(2);
let suites = null;
let times = false;
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--suite') suites = new Set(args[++i].split(','));
  else if (args[i] === '--times') times = true;
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

// Files named, the files of the suites named, or both (one run, so that they share the lanes).
let targets = files;
if (targets.length === 0 || suites) {
  let found = walk(join(root, 'packages'), []).filter((f) => f.split(sep).includes('test'));
  if (suites) {
    found = found.filter((f) => f.split(sep).some((part) => suites.has(part)));
  }
  const named = new Set(files.map((f) => resolve(f)));
  targets = [...files, ...found.filter((f) => !named.has(resolve(f))).map((f) => relative(process.cwd(), f)).sort()];
}
if (targets.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
/** A file's path from the repository root, with forward slashes: its key in the durations table. */
const key = (file) => relative(root, resolve(file)).split(sep).join('/');
const backend = process.env.CONTINUUM_TEST_BACKEND ?? 'pglite';
// A folder for what the files of this run share and build once (the browser tests' demo clinics,
// packages/web/test/e2e/demo-clinic.ts); removed when the run ends.
const runDir = mkdtempSync(join(tmpdir(), 'continuum-test-run-'));
process.on('exit', () => rmSync(runDir, { recursive: true, force: true }));
const env = { ...process.env, CONTINUUM_TEST_BACKEND: backend, CONTINUUM_TEST_RUN_DIR: runDir };
console.log(`# backend: ${backend}; ${targets.length} test files`);

// The web app's browser tests serve packages/web/dist: build it here, once, rather than in each
// file (two files starting together would both build into the same folder). The fixture builds
// only when run without this script.
if (targets.some((f) => key(f).startsWith('packages/web/'))) {
  const { ensureBuild } = await import('../packages/web/scripts/ensure-build.mjs');
  await ensureBuild();
  env.CONTINUUM_TEST_WEB_BUILT = '1';
}

// The `continuum` processes the tests start (CLI commands, servers killed mid-write, app nodes)
// run the CLI's bundle (packages/server/bin/bundle.mjs): build it once here, before files that
// would otherwise each find it missing at the same moment.
{
  const { serverBundle } = await import('../packages/server/bin/bundle.mjs');
  await serverBundle();
}

const durations = JSON.parse(readFileSync(DURATIONS, 'utf8'));
// Two lanes each take the next file when they free up. Starting the long files first keeps one
// lane from running a long file alone at the end. A file not in the table goes first of all: it
// may be long, and a short one costs nothing there.
const longestFirst = (list) =>
  [...list].sort((a, b) => (durations[key(b)] ?? Infinity) - (durations[key(a)] ?? Infinity) || a.localeCompare(b));

// Through test-lanes.mjs, which keeps the order given: `node --test` would sort the files by name.
const run = async (files, concurrency) => {
  if (files.length === 0) return 0;
  // Bundled entries are plain JavaScript (see `entries` below); source maps point failures at the sources.
  const loader = BUNDLE ? ['--enable-source-maps'] : ['--import', 'tsx/esm'];
  const child = spawn(process.execPath, [...loader, join(root, 'scripts', 'test-lanes.mjs'), String(concurrency), ...files], { stdio: 'inherit', env });
  const [code] = await new Promise((done) => child.once('close', (...r) => done(r)));
  return code ?? 1;
};

/** Runs each file in a `node --test` process of its own, `lanes` at a time, and records its time. */
async function timeEach(files, lanes) {
  const queue = [...files];
  let failed = 0;
  const lane = async () => {
    for (let file = queue.shift(); file; file = queue.shift()) {
      const start = Date.now();
      const child = spawn(process.execPath, ['--import', 'tsx/esm', '--test', '--test-reporter=spec', file], { stdio: 'inherit', env });
      const code = await new Promise((done) => child.once('close', done));
      if (code !== 0) failed = 1;
      durations[key(file)] = Math.round((Date.now() - start) / 100) / 10;
      console.log(`# ${durations[key(file)]} s ${key(file)}${code === 0 ? '' : ' (failed)'}`);
    }
  };
  await Promise.all(Array.from({ length: lanes }, lane));
  return failed;
}

const solo = targets.filter((f) => f.endsWith('.solo.test.ts'));
// Files that spend most of their time waiting for the clock (an idle logoff must be waited for)
// run in a lane of their own beside the two: they would leave a core idle in one of those.
const CLOCK_BOUND = new Set(['packages/web/test/e2e/idle-logoff.int.test.ts']);
const clockBound = times ? [] : targets.filter((f) => CLOCK_BOUND.has(key(f)));
const shared = longestFirst(targets.filter((f) => !solo.includes(f) && !clockBound.includes(f)));

/**
 * Test files run several to a process. Starting a process that loads the server costs about
 * three seconds of CPU (TypeScript through tsx's loader, the FHIR definitions, the compiled search
 * parameters), as much as many files' own tests, and the two lanes keep both cores busy, so each
 * such start costs the run its whole length. A group is a module that imports its files in turn:
 * their tests register in one process and run one file after another, each with its own server
 * and database as before. Files are packed longest first into groups of about GROUP_SECONDS (a
 * file longer than that is a group of its own), so the lanes still end together. A file missing
 * from the durations table runs alone, first. CONTINUUM_TEST_GROUPS=0 runs every file alone.
 */
const GROUP_SECONDS = 45;
function groups(files) {
  if (process.env.CONTINUUM_TEST_GROUPS === '0' || files.length < 2) return files.map((f) => [f]);
  const bins = [];
  const unknown = [];
  for (const file of files) {
    const seconds = durations[key(file)];
    if (seconds === undefined) {
      unknown.push(file);
      continue;
    }
    const bin = bins.find((b) => b.seconds + seconds <= GROUP_SECONDS);
    if (bin) {
      bin.files.push(file);
      bin.seconds += seconds;
    } else {
      bins.push({ files: [file], seconds });
    }
  }
  bins.sort((a, b) => b.seconds - a.seconds);
  bins.forEach((bin, i) => {
    if (bin.files.length > 1) console.log(`# group ${i + 1} (${Math.round(bin.seconds)} s): ${bin.files.map(key).join(', ')}`);
  });
  return [...unknown.map((f) => [f]), ...bins.map((bin) => bin.files)];
}

/**
 * The processes' entries, one per group of files. A group of several files is a module that
 * imports each in turn; each file's tests and top-level hooks go in a suite of their own: at a
 * module's top level, `before` and `after` belong to the process's root test, so a file's `after`
 * (closing its server) would wait for the whole group, and a failing `before` would cancel every
 * file.
 *
 * Bundled (the default): every entry, a lone file included, is such a module, and esbuild bundles
 * them all in one build (code they share goes into shared chunks) with the plugin the CLI's bundle
 * uses (packages/server/bin/bundle.mjs: packages stay imports, each module keeps its own
 * import.meta.url). The processes then load plain JavaScript: through tsx's loader, every module a
 * process loads passes through its hooks, which cost each process about two seconds of CPU
 * (2026-11-28: importing the server took 3.6 s through tsx and 1.2 s bundled).
 * CONTINUUM_TEST_BUNDLE=0 runs the TypeScript through tsx instead.
 */
const BUNDLE = process.env.CONTINUUM_TEST_BUNDLE !== '0';
let entryCount = 0;
async function entries(sets) {
  if (!BUNDLE) {
    const dir = mkdtempSync(join(tmpdir(), 'continuum-test-groups-'));
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
    return sets.map((files) => {
      if (files.length === 1) return files[0];
      const entry = join(dir, `group-${String(++entryCount).padStart(3, '0')}.mjs`);
      writeFileSync(entry, groupModule(files, (f) => pathToFileURL(resolve(f)).href));
      return entry;
    });
  }
  // Inside the repository, so that the bundles' imports of packages resolve to its node_modules.
  const cache = join(root, 'node_modules', '.cache', 'continuum-tests');
  mkdirSync(cache, { recursive: true });
  // A run stopped by a signal leaves its bundles behind: clear those of runs that ended long ago.
  for (const old of readdirSync(cache)) {
    const path = join(cache, old);
    if (Date.now() - statSync(path).mtimeMs > 24 * 60 * 60 * 1000) rmSync(path, { recursive: true, force: true });
  }
  const bundleDir = mkdtempSync(join(cache, 'run-'));
  process.on('exit', () => rmSync(bundleDir, { recursive: true, force: true }));
  const dir = join(bundleDir, 'entries');
  mkdirSync(dir);
  const sources = sets.map((files) => {
    const entry = join(dir, `group-${String(++entryCount).padStart(3, '0')}.mjs`);
    writeFileSync(entry, groupModule(files, (f) => resolve(f)));
    return entry;
  });
  const { build } = await import('esbuild');
  const { nodeBundleOptions } = await import('../packages/server/bin/bundle.mjs');
  const outdir = join(bundleDir, 'bundle');
  await build({ ...nodeBundleOptions, entryPoints: sources, outdir, entryNames: '[name]' });
  return sources.map((entry) => join(outdir, relative(dir, entry).replace(/\.mjs$/, '.js')));
}

function groupModule(files, specifier) {
  const suites = files.map((f) => `describe(${JSON.stringify(key(f))}, async () => {\n  await import(${JSON.stringify(specifier(f))});\n});\n`);
  return `import { describe } from 'node:test';\n${suites.join('')}`;
}
if (times) {
  const failed = (await timeEach(shared, 2)) || (await timeEach(solo, 1));
  const sorted = Object.fromEntries(Object.entries(durations).sort(([a], [b]) => a.localeCompare(b)));
  writeFileSync(DURATIONS, `${JSON.stringify(sorted, null, 2)}\n`);
  process.exit(failed);
}
const [sharedEntries, clockEntries, soloEntries] = [groups(shared), clockBound.map((f) => [f]), solo.map((f) => [f])];
const all = await entries([...sharedEntries, ...clockEntries, ...soloEntries]);
const [sharedStatus, clockStatus] = await Promise.all([
  run(all.slice(0, sharedEntries.length), 2),
  run(all.slice(sharedEntries.length, sharedEntries.length + clockEntries.length), 1),
]);
const alone = await run(all.slice(sharedEntries.length + clockEntries.length), 1);
process.exit(sharedStatus || clockStatus || alone);
