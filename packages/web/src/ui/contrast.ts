/**
 * WCAG 2 colour contrast, for the theme: the relative luminance of a colour, the contrast ratio
 * of two, and a palette whose filled shades (6 to 9, where components put white text) are
 * darkened, keeping their hue, until white text on them meets AA (4.5:1) with a margin that
 * grows with the shade, so the shades stay in order. Pure: no library, no DOM.
 */

/** The relative luminance of a `#rrggbb` colour. */
export function luminance(hex: string): number {
  const n = parseInt(hex.slice(1, 7), 16);
  const channel = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(n >> 16) + 0.7152 * channel((n >> 8) & 255) + 0.0722 * channel(n & 255);
}

/** The contrast ratio of two `#rrggbb` colours (1 to 21). */
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

/** `palette` with its filled shades darkened to carry white text at AA (4.6:1, plus 0.2 a shade above 6). */
export function accessiblePalette(palette: readonly string[]): string[] {
  return palette.map((hex, i) => {
    if (i < FILLED_SHADES[0]) return hex;
    const target = 4.6 + (i - FILLED_SHADES[0]) * 0.2;
    let out = hex;
    for (let f = 1; contrastRatio(out, '#ffffff') < target && f > 0; f -= 0.01) out = scale(hex, f);
    return out;
  });
}
