/**
 * String comparison for patient matching: name normalisation (case, accents, punctuation),
 * Jaro–Winkler similarity and a phonetic code. Pure functions, no I/O. The phonetic code is
 * American Soundex (the US Census rules, with the H/W rule): crude, but well understood,
 * and it only has to catch spelling variants the similarity misses (Meyer / Maier).
 */

const ASCII = /^[\x20-\x7e]*$/;

/** Lower case, accents stripped (é → e, ß → ss), only letters kept: "O'Brien-Smith" → "obriensmith". */
export function normalizeName(s: string | undefined): string {
  if (!s) return '';
  // Most names are plain ASCII: skip the (slow) Unicode decomposition for them.
  if (ASCII.test(s)) return s.toLowerCase().replace(/[^a-z]/g, '');
  return s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/æ/g, 'ae')
    .replace(/ø/g, 'o')
    .replace(/[^a-z]/g, '');
}

/** Jaro–Winkler similarity in 0..1 (prefix scale 0.1, prefix up to 4). */
export function jaroWinkler(a: string, b: string): number {
  if (a === b) return a.length === 0 ? 0 : 1;
  if (a.length === 0 || b.length === 0) return 0;
  const window = Math.max(0, Math.floor(Math.max(a.length, b.length) / 2) - 1);
  const aHit = new Array<boolean>(a.length).fill(false);
  const bHit = new Array<boolean>(b.length).fill(false);
  let matches = 0;
  for (let i = 0; i < a.length; i++) {
    const lo = Math.max(0, i - window);
    const hi = Math.min(b.length - 1, i + window);
    for (let j = lo; j <= hi; j++) {
      if (bHit[j] || a[i] !== b[j]) continue;
      aHit[i] = bHit[j] = true;
      matches++;
      break;
    }
  }
  if (matches === 0) return 0;
  let k = 0;
  let halfTranspositions = 0;
  for (let i = 0; i < a.length; i++) {
    if (!aHit[i]) continue;
    while (!bHit[k]) k++;
    if (a[i] !== b[k]) halfTranspositions++;
    k++;
  }
  const m = matches;
  const jaro = (m / a.length + m / b.length + (m - halfTranspositions / 2) / m) / 3;
  let prefix = 0;
  while (prefix < 4 && prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
  return jaro + prefix * 0.1 * (1 - jaro);
}

/** Whether `a` becomes `b` by one substitution, insertion, deletion or swap of neighbours. */
export function oneEditApart(a: string, b: string): boolean {
  if (a === b) return false;
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (a.length === b.length) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true;
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  }
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

const SOUNDEX_CODES: Record<string, string> = {
  b: '1', f: '1', p: '1', v: '1',
  c: '2', g: '2', j: '2', k: '2', q: '2', s: '2', x: '2', z: '2',
  d: '3', t: '3',
  l: '4',
  m: '5', n: '5',
  r: '6',
};

/** American Soundex of a normalised name ("robert" → "R163"); "" for an empty name. */
export function soundex(name: string): string {
  if (name.length === 0) return '';
  let out = name[0]!.toUpperCase();
  let last = SOUNDEX_CODES[name[0]!] ?? '';
  for (let i = 1; i < name.length && out.length < 4; i++) {
    const ch = name[i]!;
    const code = SOUNDEX_CODES[ch];
    if (code === undefined) {
      // Vowels separate equal codes; H and W do not.
      if (ch !== 'h' && ch !== 'w') last = '';
      continue;
    }
    if (code !== last) out += code;
    last = code;
  }
  return out.padEnd(4, '0');
}

/** Digits only, the last ten (drops a country code +1 and formatting). */
export function normalizePhone(s: string | undefined): string {
  const digits = (s ?? '').replace(/\D/g, '');
  return digits.length > 10 ? digits.slice(-10) : digits;
}

/** Lower-case, trimmed; Gmail-style dots and +tags are kept (they may be different people). */
export function normalizeEmail(s: string | undefined): string {
  return (s ?? '').trim().toLowerCase();
}

/** Address line normalised: lower case, no punctuation, common abbreviations expanded. */
export function normalizeLine(s: string): string {
  const words = (ASCII.test(s) ? s : s.normalize('NFD'))
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9 ]/g, ' ')
    .split(/\s+/)
    .filter(Boolean);
  return words.map((w) => STREET_WORDS[w] ?? w).join(' ');
}

const STREET_WORDS: Record<string, string> = {
  st: 'street', str: 'street', ave: 'avenue', av: 'avenue', rd: 'road', dr: 'drive', ln: 'lane', blvd: 'boulevard',
  ct: 'court', pl: 'place', hwy: 'highway', apt: 'apartment', ste: 'suite', n: 'north', s: 'south', e: 'east', w: 'west',
};

/** Postal code: alphanumerics only, upper case; US ZIP+4 cut to the five-digit ZIP. */
export function normalizePostal(s: string | undefined): string {
  const v = (s ?? '').toUpperCase().replace(/[^A-Z0-9]/g, '');
  return /^\d{9}$/.test(v) ? v.slice(0, 5) : v;
}
