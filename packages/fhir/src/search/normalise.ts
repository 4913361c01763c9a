/**
 * Text normalisation shared by string rows, token `:text` and quantity units: lower case, Unicode
 * NFD with combining marks removed (so `Müller` matches `muller`), Latin letters that have no
 * decomposition folded to their base (`ł`→`l`, `ø`→`o`, `ß`→`ss`), whitespace collapsed and trimmed.
 * The SQL layer must apply the same function to search input.
 */

const COMBINING_MARKS = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/g;

/** Letters that NFD leaves whole, as a person searching on a plain keyboard would type them. */
const FOLDS: Record<string, string> = {
  ł: 'l', ø: 'o', đ: 'd', ð: 'd', ħ: 'h', ı: 'i', ŀ: 'l', ŧ: 't', ß: 'ss', æ: 'ae', œ: 'oe', þ: 'th',
};
const FOLDABLE = new RegExp(`[${Object.keys(FOLDS).join('')}]`, 'g');

export function normaliseText(text: string): string {
  return text
    .normalize('NFD')
    .replace(COMBINING_MARKS, '')
    .toLowerCase()
    .replace(FOLDABLE, (c) => FOLDS[c] ?? c)
    .replace(/\s+/g, ' ')
    .trim();
}

/** The normalised text, or null when absent or empty after normalising. */
export function normaliseOptional(text: unknown): string | null {
  if (typeof text !== 'string') return null;
  const norm = normaliseText(text);
  return norm === '' ? null : norm;
}
