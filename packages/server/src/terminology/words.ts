/**
 * Text folding for terminology search: lower case, accents removed (NFD, combining marks
 * dropped), split into words at anything that is not a letter or digit. Codes fold the same
 * way and also lose their dots, so `e119` finds `E11.9`.
 */

const MARKS = /[\u0300-\u036f]/g;
const SEPARATORS = /[^\p{L}\p{N}]+/u;

export function fold(text: string): string {
  return text.normalize('NFD').replace(MARKS, '').toLowerCase();
}

export function wordsOf(text: string): string[] {
  return fold(text).split(SEPARATORS).filter(Boolean);
}

export function foldCode(code: string): string {
  return fold(code).replace(/[.\s]/g, '');
}
