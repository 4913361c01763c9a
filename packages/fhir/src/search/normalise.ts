/**
 * Text normalisation shared by string rows, token `:text` and quantity units: lower case, Unicode
 * NFD with combining marks removed (so `Müller` matches `muller`), whitespace collapsed and trimmed.
 * The SQL layer must apply the same function to search input.
 */

const COMBINING_MARKS = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/g;

export function normaliseText(text: string): string {
  return text.normalize('NFD').replace(COMBINING_MARKS, '').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** The normalised text, or null when absent or empty after normalising. */
export function normaliseOptional(text: unknown): string | null {
  if (typeof text !== 'string') return null;
  const norm = normaliseText(text);
  return norm === '' ? null : norm;
}
