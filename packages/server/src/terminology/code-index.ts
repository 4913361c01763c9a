/**
 * An in-memory search index over one code system's concepts, for search-as-you-type pickers.
 *
 * A filter matches a concept when every word of the filter is the start of some word of the
 * display, or when the whole filter is the start of the code (dots ignored: `e119` is `E11.9`).
 * Matching folds case and accents. Results are ranked: the exact code first, then displays that
 * start with the filter, then the rest; within a rank shorter displays first, then by code.
 *
 * Words are kept in one sorted vocabulary with a posting list of concept numbers each, so a
 * prefix is two binary searches; the filter word with the fewest postings gives the candidates
 * and the other words are checked on those only. Codes are kept sorted the same way. A filter
 * over the 44k ICD-10-CM concepts answers in well under a millisecond.
 */
import { fold, foldCode, wordsOf } from './words.ts';

export interface Concept {
  code: string;
  display: string;
}

/** First index in the sorted `keys` whose value is >= `key`. */
function lowerBound(keys: readonly string[], key: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The [start, end) range of the sorted `keys` that start with `prefix`. */
function prefixRange(keys: readonly string[], prefix: string): [number, number] {
  return [lowerBound(keys, prefix), lowerBound(keys, `${prefix}\uffff`)];
}

export class CodeIndex {
  private readonly concepts: readonly Concept[];
  private readonly byCode = new Map<string, number>();
  private readonly foldedDisplay: string[];
  private readonly conceptWords: string[][];
  private readonly vocabulary: string[];
  private readonly postings: number[][];
  private readonly foldedCode: string[];
  private readonly codeKeys: string[];
  private readonly codeRows: number[];
  /** Each concept's place when sorted by display length, then code: the tie-break within a rank. */
  private readonly place: Uint32Array;

  constructor(concepts: readonly Concept[]) {
    this.concepts = concepts;
    this.foldedDisplay = concepts.map((c) => fold(c.display));
    this.conceptWords = concepts.map((c) => [...new Set(wordsOf(c.display))]);
    const postingsOf = new Map<string, number[]>();
    this.conceptWords.forEach((words, row) => {
      for (const w of words) {
        const list = postingsOf.get(w);
        if (list) list.push(row);
        else postingsOf.set(w, [row]);
      }
    });
    this.vocabulary = [...postingsOf.keys()].sort();
    this.postings = this.vocabulary.map((w) => postingsOf.get(w)!);
    concepts.forEach((c, row) => {
      if (!this.byCode.has(c.code)) this.byCode.set(c.code, row);
    });
    this.foldedCode = concepts.map((c) => foldCode(c.code));
    const order = this.foldedCode.map((key, row) => ({ key, row })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.row - b.row));
    this.codeKeys = order.map((o) => o.key);
    this.codeRows = order.map((o) => o.row);
    const byLength = concepts.map((_, row) => row).sort((a, b) => {
      const ca = concepts[a]!;
      const cb = concepts[b]!;
      if (ca.display.length !== cb.display.length) return ca.display.length - cb.display.length;
      return ca.code < cb.code ? -1 : ca.code > cb.code ? 1 : a - b;
    });
    this.place = new Uint32Array(concepts.length);
    byLength.forEach((row, i) => (this.place[row] = i));
  }

  get size(): number {
    return this.concepts.length;
  }

  /** The concept with exactly this code (as the system writes it). */
  lookup(code: string): Concept | undefined {
    const row = this.byCode.get(code.trim());
    return row === undefined ? undefined : this.concepts[row];
  }

  /** Every concept, in the order of the source list. */
  all(): readonly Concept[] {
    return this.concepts;
  }

  /** How many concepts match `filter`, and `count` of them from `offset`, best first (see the header). */
  search(filter: string, offset = 0, count = Number.MAX_SAFE_INTEGER): { total: number; concepts: Concept[] } {
    const words = [...new Set(wordsOf(filter))];
    const codeKey = foldCode(filter.trim());
    const matched = new Set<number>();
    if (words.length > 0) this.byWords(words, matched);
    if (codeKey) {
      const [start, end] = prefixRange(this.codeKeys, codeKey);
      for (let i = start; i < end; i++) matched.add(this.codeRows[i]!);
    }
    const phrase = fold(filter.trim());
    // One number per match orders it: rank first, then its place (display length, code).
    const n = this.concepts.length;
    const keys = new Float64Array(matched.size);
    let i = 0;
    for (const row of matched) {
      const rank = this.foldedCode[row] === codeKey ? 0 : this.foldedDisplay[row]!.startsWith(phrase) ? 1 : 2;
      keys[i++] = rank * n + this.place[row]!;
    }
    keys.sort();
    const byPlace = new Uint32Array(n);
    for (const row of matched) byPlace[this.place[row]!] = row;
    const page = keys.subarray(Math.min(offset, keys.length), Math.min(offset + count, keys.length));
    return { total: keys.length, concepts: Array.from(page, (k) => this.concepts[byPlace[k % n]!]!) };
  }

  /** Adds to `into` every concept where each of `words` starts some word of the display. */
  private byWords(words: readonly string[], into: Set<number>): void {
    const ranges = words.map((w) => {
      const [start, end] = prefixRange(this.vocabulary, w);
      let postings = 0;
      for (let i = start; i < end; i++) postings += this.postings[i]!.length;
      return { word: w, start, end, postings };
    });
    if (ranges.some((r) => r.postings === 0)) return;
    ranges.sort((a, b) => a.postings - b.postings);
    const [first, ...rest] = ranges;
    const seen = new Uint8Array(this.concepts.length);
    for (let i = first!.start; i < first!.end; i++) {
      for (const row of this.postings[i]!) {
        if (seen[row]) continue;
        seen[row] = 1;
        const own = this.conceptWords[row]!;
        if (rest.every((r) => own.some((w) => w.startsWith(r.word)))) into.add(row);
      }
    }
  }
}
