/**
 * Finds known ingredient names inside free text ("Simvastatin 40 mg tablet", "sulfa drugs"):
 * whole words only, longest names first, each stretch of text used once (so "penicillin g" is not
 * also "penicillin"). Used for orders and allergies recorded only as text. Pure.
 */
import { foldName, ingredientKey } from './names.ts';

export class NameMatcher {
  private readonly byFirstWord = new Map<string, string[]>();

  constructor(keys: Iterable<string>) {
    const unique = [...new Set([...keys].map(ingredientKey).filter(Boolean))];
    for (const key of unique) {
      const first = key.split(' ')[0]!;
      this.byFirstWord.set(first, [...(this.byFirstWord.get(first) ?? []), key]);
    }
    for (const list of this.byFirstWord.values()) list.sort((a, b) => b.length - a.length);
  }

  /** The ingredient keys named in `text`, in order of appearance, without repeats. */
  find(text: string): string[] {
    const words = foldName(text).split(' ').filter(Boolean);
    const found: string[] = [];
    for (let i = 0; i < words.length; i++) {
      const candidates = this.byFirstWord.get(words[i]!);
      if (!candidates) continue;
      for (const key of candidates) {
        const parts = key.split(' ');
        if (parts.every((p, j) => words[i + j] === p)) {
          if (!found.includes(key)) found.push(key);
          i += parts.length - 1;
          break;
        }
      }
    }
    return found;
  }
}
