// The CLI as bundled JavaScript: esbuild bundles src/cli/main.ts and the workspace packages it
// imports into dist/, so that a `continuum` process loads plain JavaScript instead of running
// every module through tsx's loader (measured 2026-11-28: importing the server took 3.6 to 4.3 s
// of CPU through tsx and 1.0 to 1.5 s from the bundle). Packages from node_modules stay outside the bundle and
// load as usual.
//
// The bundle is rebuilt whenever one of its inputs changes: dist/manifest.json records the inputs
// (esbuild's metafile) and a digest of their contents, and each start checks the digest (reading
// the sources, about 0.2 s in all). The bundle's folder is named by the digest, and the folder and
// the manifest are written under temporary names and renamed, so processes that start together
// never read a half-written bundle. Older bundles stay while they are among the newest few or
// younger than a day: a process started from one loads some of its chunks only when it first
// needs them (a command, a summary PDF), so removing its bundle under it would break that. A
// server started from a bundle that was since removed must be restarted.
//
// Each module keeps its own `import.meta.url` (replaced by the module's source URL at build time),
// so files found next to a module (migrations, shipped terminology, the web app, the seeding
// worker) are found where they are in the source tree.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const serverRoot = fileURLToPath(new URL('..', import.meta.url));
/** The CLI's bundle: the workspace, the CLI's entry and where its bundles go. */
const CLI = { root: join(serverRoot, '..', '..'), entry: join(serverRoot, 'src', 'cli', 'main.ts'), dist: join(serverRoot, 'dist'), name: 'continuum' };
/** When a new bundle is written, older ones are removed unless among the newest KEEP or younger than KEEP_MS. */
const KEEP = 4;
const KEEP_MS = 24 * 60 * 60 * 1000;

/** What a bundle depends on besides its inputs: this script, esbuild's version and the workspace's package files. */
function extraInputs(root) {
  const files = [fileURLToPath(import.meta.url), join(root, 'package.json'), join(root, 'node_modules', 'esbuild', 'package.json')];
  let packages = [];
  try {
    packages = readdirSync(join(root, 'packages'));
  } catch {
    // a single package
  }
  for (const pkg of packages) {
    const file = join(root, 'packages', pkg, 'package.json');
    try {
      statSync(file);
      files.push(file);
    } catch {
      // not a package
    }
  }
  return files;
}

function digest(root, inputs) {
  const hash = createHash('sha256');
  for (const file of inputs) {
    hash.update(relative(root, file)).update('\0');
    try {
      hash.update(readFileSync(file));
    } catch {
      hash.update('\0missing');
    }
    hash.update('\0');
  }
  return hash.digest('hex');
}

/** The up-to-date bundle's path, or undefined when the sources changed since it was built. */
function current({ root, dist }) {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(join(dist, 'manifest.json'), 'utf8'));
  } catch {
    return undefined;
  }
  const inputs = [...manifest.inputs.map((f) => join(root, f)), ...extraInputs(root)];
  if (digest(root, inputs) !== manifest.digest) return undefined;
  const file = join(dist, manifest.file);
  try {
    statSync(file);
  } catch {
    return undefined;
  }
  return file;
}

/**
 * esbuild plugin: packages from node_modules stay imports, loaded at run time as usual; each of our
 * modules (TypeScript or JavaScript outside node_modules) keeps its own import.meta.url. The test
 * runner bundles the test files with it too (scripts/test.mjs).
 */
export const sourceTree = {
  name: 'continuum-source-tree',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@continuum/') ? undefined : { path: args.path, external: true }));
    build.onLoad({ filter: /\.(tsx?|mjs|js)$/ }, async (args) => {
      if (args.path.split(sep).includes('node_modules')) return undefined;
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes('import.meta.url')) return undefined;
      // Replaced in the syntax tree (esbuild's define), so strings that mention it stay as they are.
      const { transform } = await import('esbuild');
      const loader = args.path.endsWith('.tsx') ? 'tsx' : args.path.endsWith('.ts') ? 'ts' : 'js';
      const out = await transform(source, {
        loader,
        sourcefile: args.path,
        sourcemap: 'inline',
        target: 'node20',
        jsx: 'automatic',
        define: { 'import.meta.url': JSON.stringify(pathToFileURL(args.path).href) },
      });
      return { contents: out.code, loader: 'js' };
    });
  },
};

/**
 * esbuild options for Node bundles of our sources, shared with the test runner. Split: a module
 * imported only when needed (a command, a test file of a group) stays in a chunk of its own, with
 * the packages it imports, so loading one does not load the others' dependencies.
 */
export const nodeBundleOptions = {
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  keepNames: true,
  sourcemap: 'linked',
  sourcesContent: false,
  logLevel: 'error',
  plugins: [sourceTree],
};

async function build({ root, entry, dist, name: base }) {
  const { build: esbuild, version } = await import('esbuild');
  const out = join(dist, 'out');
  const result = await esbuild({ ...nodeBundleOptions, entryPoints: { [base]: entry }, metafile: true, write: false, outdir: out, absWorkingDir: root });
  // The metafile names its inputs relative to absWorkingDir, with forward slashes.
  const inputs = Object.keys(result.metafile.inputs);
  const sum = digest(root, [...inputs.map((f) => join(root, f)), ...extraInputs(root)]);
  const name = `${base}-${sum.slice(0, 16)}`;
  const tmp = join(dist, `.tmp-${process.pid}-${Date.now()}`);
  mkdirSync(tmp, { recursive: true });
  for (const file of result.outputFiles) writeFileSync(join(tmp, relative(out, file.path)), file.contents);
  try {
    renameSync(tmp, join(dist, name));
  } catch (err) {
    // Another process built the same sources first: its bundle is this one.
    rmSync(tmp, { recursive: true, force: true });
    if (!['ENOTEMPTY', 'EEXIST'].includes(err?.code)) throw err;
  }
  const manifest = join(dist, 'manifest.json');
  writeFileSync(`${manifest}.tmp-${process.pid}`, JSON.stringify({ file: `${name}/${base}.js`, esbuild: version, digest: sum, inputs }, null, 1));
  renameSync(`${manifest}.tmp-${process.pid}`, manifest);
  const now = Date.now();
  const older = readdirSync(dist)
    .filter((f) => (f.startsWith(`${base}-`) || f.startsWith('.tmp-')) && f !== name)
    .map((f) => ({ path: join(dist, f), built: statSync(join(dist, f)).mtimeMs }))
    .sort((a, b) => b.built - a.built);
  for (const old of older.slice(KEEP - 1)) {
    if (now - old.built > KEEP_MS) rmSync(old.path, { recursive: true, force: true });
  }
  return join(dist, name, `${base}.js`);
}

/**
 * The path of an up-to-date bundle of `entry` (a module of the workspace at `root`) in `dist`,
 * built first when there is none or a source changed. By default, the CLI's.
 */
export async function bundle(target = CLI) {
  return current(target) ?? (await build(target));
}

/** The path of a bundle of the CLI's current sources. */
export const serverBundle = () => bundle(CLI);

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.stdout.write(`${await serverBundle()}\n`);
}
