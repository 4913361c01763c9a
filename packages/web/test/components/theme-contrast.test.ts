/**
 * The theme's colours against WCAG AA: white text on every shade a filled badge or button uses
 * (6 to 9) of every palette reaches 4.5:1, the shades still darken in order, and the lighter
 * shades are the library's own. The contrast formula is checked on known pairs first.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { contrastRatio, FILLED_SHADES, luminance } from '../../src/ui/contrast.ts';

type Palettes = Record<string, readonly string[]>;

/**
 * The theme and the library's defaults, loaded by a computed specifier: their types would bring
 * React's DOM stubs into this Node-typed program, where they clash with the browser tests' types.
 * The theme is TypeScript loaded at run time, so it goes through tsx's `tsImport` (the test runner
 * bundles the test files and runs them without a loader).
 */
async function load(): Promise<{ colors: Palettes; defaults: Palettes }> {
  const { tsImport } = await import('tsx/esm/api');
  const mantine = '@mantine/core';
  const [{ theme }, { DEFAULT_THEME }] = (await Promise.all([tsImport('../../src/ui/theme.ts', import.meta.url), import(mantine)])) as [{ theme: { colors: Palettes } }, { DEFAULT_THEME: { colors: Palettes } }];
  return { colors: theme.colors, defaults: DEFAULT_THEME.colors };
}

it('computes WCAG contrast ratios', () => {
  assert.equal(contrastRatio('#000000', '#ffffff'), 21);
  assert.equal(contrastRatio('#777777', '#777777'), 1);
  // Published pairs: #767676 on white is the lightest grey at 4.5:1; #2b8a3e (green 9) is 4.37:1.
  assert.ok(Math.abs(contrastRatio('#767676', '#ffffff') - 4.54) < 0.01);
  assert.ok(Math.abs(contrastRatio('#2b8a3e', '#ffffff') - 4.37) < 0.01);
});

it('gives every filled shade of every palette AA contrast with white text, in order', async () => {
  const { colors, defaults } = await load();
  const names = Object.keys(defaults).filter((n) => n !== 'dark');
  assert.ok(names.length >= 12, 'the library has its usual palettes');
  for (const name of [...names, 'continuum']) {
    const palette = colors[name];
    assert.ok(palette, `the theme has the ${name} palette`);
    for (const shade of FILLED_SHADES) {
      const ratio = contrastRatio(palette[shade]!, '#ffffff');
      assert.ok(ratio >= 4.5, `${name}.${shade} (${palette[shade]}) carries white text at ${ratio.toFixed(2)}:1`);
    }
    for (let shade = 1; shade < 10; shade++) assert.ok(luminance(palette[shade]!) <= luminance(palette[shade - 1]!), `${name}.${shade} is no lighter than ${name}.${shade - 1}`);
    if (name !== 'continuum') assert.deepEqual(palette.slice(0, 6), defaults[name]!.slice(0, 6), `${name}'s light shades are unchanged`);
  }
});
