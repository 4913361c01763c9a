/**
 * The CLI's bundle (bin/bundle.mjs): `continuum` runs a bundle of its TypeScript that esbuild
 * rebuilds whenever a source changes. Checked on a small workspace in a temporary folder (an entry
 * that imports a module, reads a file next to itself and loads a package only on demand), then on
 * the real CLI.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
// @ts-expect-error: a JavaScript module without declarations
import { bundle, serverBundle } from '../../bin/bundle.mjs';

type Target = { root: string; entry: string; dist: string; name: string };
const build = bundle as (target: Target) => Promise<string>;

describe('the CLI bundle', () => {
  let root: string;
  let target: Target;
  const write = (path: string, text: string): void => {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  const run = (file: string, ...args: string[]): string => execFileSync(process.execPath, [file, ...args], { cwd: root, encoding: 'utf8' });

  before(() => {
    root = mkdtempSync(join(tmpdir(), 'continuum-bundle-'));
    write('package.json', JSON.stringify({ name: 'w', private: true, type: 'module' }));
    write('packages/app/package.json', JSON.stringify({ name: '@w/app', type: 'module' }));
    // A package from node_modules: it must stay an import, loaded only when the lazy command runs.
    write('node_modules/side-effect/package.json', JSON.stringify({ name: 'side-effect', type: 'module', exports: './index.js' }));
    write('node_modules/side-effect/index.js', "export const marker = 'package code ran';\n");
    write('packages/app/src/greet.ts', "export const greet = (who: string): string => `hello ${who}`;\n");
    write('packages/app/src/assets/data.txt', 'first data');
    write(
      'packages/app/src/lazy.ts',
      "import { marker } from 'side-effect';\nexport const lazy = (): string => marker;\n",
    );
    write(
      'packages/app/src/main.ts',
      [
        "import { readFileSync } from 'node:fs';",
        "import { greet } from './greet.ts';",
        "const data = readFileSync(new URL('./assets/data.txt', import.meta.url), 'utf8');",
        "const lines: string[] = [greet('bundle'), data, import.meta.url];",
        "if (process.argv[2] === 'lazy') lines.push((await import('./lazy.ts')).lazy());",
        "console.log(lines.join('\\n'));",
      ].join('\n'),
    );
    target = { root, entry: join(root, 'packages/app/src/main.ts'), dist: join(root, 'packages/app/dist'), name: 'app' };
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('runs the entry as plain JavaScript, each module keeping its own import.meta.url', async () => {
    const file = await build(target);
    assert.ok(file.startsWith(target.dist) && file.endsWith('app.js'), file);
    const [greeting, data, url] = run(file).trim().split('\n');
    assert.equal(greeting, 'hello bundle');
    assert.equal(data, 'first data', 'a file next to a module is found where the source is');
    assert.equal(fileURLToPath(url!), target.entry);
  });

  it('keeps packages out of the bundle and loads them only where they are imported on demand', async () => {
    const file = await build(target);
    const folder = join(file, '..');
    const code = readdirSync(folder).filter((f) => f.endsWith('.js')).map((f) => readFileSync(join(folder, f), 'utf8'));
    assert.ok(code.every((c) => !c.includes('package code ran')), 'the package is not copied into the bundle');
    assert.ok(code.some((c) => c.includes('"side-effect"')), 'it is imported from node_modules');
    assert.ok(!readFileSync(file, 'utf8').includes('side-effect'), 'the entry chunk does not import it');
    assert.equal(run(file, 'lazy').trim().split('\n').at(-1), 'package code ran');
  });

  it('reuses the bundle while the sources are unchanged, and rebuilds when one changes', async () => {
    const first = await build(target);
    const built = statSync(first).mtimeMs;
    assert.equal(await build(target), first);
    assert.equal(statSync(first).mtimeMs, built, 'not written again');

    // A file read at run time is not an input: the same bundle reads its new content.
    write('packages/app/src/assets/data.txt', 'second data');
    assert.equal(await build(target), first);
    assert.equal(run(first).split('\n')[1], 'second data');

    write('packages/app/src/greet.ts', "export const greet = (who: string): string => `goodbye ${who}`;\n");
    const second = await build(target);
    assert.notEqual(second, first);
    assert.equal(run(second).split('\n')[0], 'goodbye bundle');
    // The older bundle stays for a process that may still be loading it.
    assert.equal(run(first).split('\n')[0], 'hello bundle');

    // A package file of the workspace is an input too (it can change how imports resolve).
    write('packages/app/package.json', JSON.stringify({ name: '@w/app', type: 'module', version: '2.0.0' }));
    assert.notEqual(await build(target), second);
  });

  it('bundles the CLI with the workspace packages it imports and nothing from node_modules', async () => {
    const file = (await serverBundle()) as string;
    const manifest = JSON.parse(readFileSync(join(file, '..', '..', 'manifest.json'), 'utf8')) as { file: string; inputs: string[] };
    assert.ok(file.endsWith(manifest.file));
    assert.ok(manifest.inputs.includes('packages/server/src/cli/main.ts'));
    assert.ok(manifest.inputs.some((f) => f.startsWith('packages/fhir/src/')), 'a workspace package is bundled');
    assert.ok(manifest.inputs.every((f) => !f.includes('node_modules')), 'no package from node_modules is');
    const help = execFileSync(process.execPath, [file, 'help'], { encoding: 'utf8' });
    assert.match(help, /^Usage: continuum <command>/);
    assert.match(help, /audit verify/);
  });
});
