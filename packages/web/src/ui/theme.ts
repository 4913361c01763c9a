/**
 * The app's look: a calm clinical blue, system fonts, compact density, AA contrast. Mantine's
 * default palettes are tuned for looks, not contrast: white text on the shades a filled badge or
 * button uses (6 to 9) is often below WCAG AA's 4.5:1 (green 9 is 4.4:1, orange 8 is 3.6:1). Here
 * each of those shades is darkened, keeping its hue, until white text on it meets AA with a margin
 * that grows with the shade, so the shades stay in order.
 */
import { createTheme, DEFAULT_THEME, type MantineColorsTuple } from '@mantine/core';

/** The relative luminance of a `#rrggbb` colour (WCAG 2). */
export function luminance(hex: string): number {
  const n = parseInt(hex.slice(1, 7), 16);
  const channel = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(n >> 16) + 0.7152 * channel((n >> 8) & 255) + 0.0722 * channel(n & 255);
}

/** The WCAG 2 contrast ratio of two `#rrggbb` colours (1 to 21). */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

function scale(hex: string, factor: number): string {
  const n = parseInt(hex.slice(1, 7), 16);
  return `#${[16, 8, 0].map((s) => Math.round(((n >> s) & 255) * factor).toString(16).padStart(2, '0')).join('')}`;
}

/** The shades filled components put white text on. */
export const FILLED_SHADES = [6, 7, 8, 9] as const;

/** A palette whose filled shades carry white text at AA (4.5:1, plus 0.2 per shade above 6). */
export function accessiblePalette(palette: readonly string[]): MantineColorsTuple {
  return palette.map((hex, i) => {
    if (i < FILLED_SHADES[0]) return hex;
    const target = 4.6 + (i - FILLED_SHADES[0]) * 0.2;
    let out = hex;
    for (let f = 1; contrastRatio(out, '#ffffff') < target && f > 0; f -= 0.01) out = scale(hex, f);
    return out;
  }) as unknown as MantineColorsTuple;
}

const accessibleDefaults = Object.fromEntries(Object.entries(DEFAULT_THEME.colors).filter(([name]) => name !== 'dark').map(([name, palette]) => [name, accessiblePalette(palette)]));

export const theme = createTheme({
  primaryColor: 'continuum',
  primaryShade: 8,
  colors: {
    ...accessibleDefaults,
    continuum: ['#eaf1fb', '#d3e1f5', '#a6c2ea', '#76a1de', '#4d84d3', '#3572cc', '#2866c9', '#1f4e8c', '#1a4479', '#123466'],
  },
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  headings: { fontWeight: '650' },
  defaultRadius: 'md',
});
