/**
 * The theme's colours against WCAG AA: white text on every shade a filled badge or button uses
 * (6 to 9) of every palette reaches 4.5:1, the shades still darken in order, and the lighter
 * shades are the library's own. The contrast formula is checked on known pairs first.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { DEFAULT_THEME } from '@mantine/core';
import { contrastRatio, FILLED_SHADES, luminance, theme } from '../../src/ui/theme.ts';

it('computes WCAG contrast ratios', () => {
  assert.equal(contrastRatio('#000000', '#ffffff'), 21);
  assert.equal(contrastRatio('#777777', '#777777'), 1);
  // Published pairs: #767676 on white is the lightest grey at 4.5:1; #2b8a3e (green 9) is 4.37:1.
  assert.ok(Math.abs(contrastRatio('#767676', '#ffffff') - 4.54) < 0.01);
  assert.ok(Math.abs(contrastRatio('#2b8a3e', '#ffffff') - 4.37) < 0.01);
});

it('gives every filled shade of every palette AA contrast with white text, in order', () => {
  const colors = theme.colors ?? {};
  const names = Object.keys(DEFAULT_THEME.colors).filter((n) => n !== 'dark');
  for (const name of [...names, 'continuum']) {
    const palette = colors[name];
    assert.ok(palette, `the theme has the ${name} palette`);
    for (const shade of FILLED_SHADES) {
      const ratio = contrastRatio(palette[shade], '#ffffff');
      assert.ok(ratio >= 4.5, `${name}.${shade} (${palette[shade]}) carries white text at ${ratio.toFixed(2)}:1`);
    }
    for (let shade = 1; shade < 10; shade++) assert.ok(luminance(palette[shade]) <= luminance(palette[shade - 1]), `${name}.${shade} is no lighter than ${name}.${shade - 1}`);
    if (name !== 'continuum') assert.deepEqual(palette.slice(0, 6), DEFAULT_THEME.colors[name]!.slice(0, 6), `${name}'s light shades are unchanged`);
  }
});
