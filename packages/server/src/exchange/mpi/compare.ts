/**
 * Field comparisons: each field of two records falls into one agreement level (or is missing,
 * when either record lacks it). The levels are ordered from strongest agreement to
 * disagreement; the weights (weights.ts) give each level its log-likelihood ratio.
 */
import type { Features, NamePart } from './features.ts';
import { nicknames } from './nicknames.ts';
import { jaroWinkler, oneEditApart } from './strings.ts';

export type FamilyLevel = 'exact' | 'similar' | 'different';
export type GivenLevel = 'exact' | 'nickname' | 'similar' | 'initial' | 'different';
export type BirthLevel = 'exact' | 'swapped' | 'transposed' | 'typo' | 'year-off' | 'different';
export type SexLevel = 'same' | 'different';
export type AddressLevel = 'same' | 'partial' | 'different';
export type ContactLevel = 'same' | 'different';
export type IdentifierLevel = 'same' | 'conflict';

export interface Comparison {
  family?: FamilyLevel;
  given?: GivenLevel;
  birthDate?: BirthLevel;
  sex?: SexLevel;
  address?: AddressLevel;
  phone?: ContactLevel;
  email?: ContactLevel;
  identifier?: IdentifierLevel;
}

/** A spelling variant: close by Jaro–Winkler, one keyboard slip away, or alike in sound. */
const similar = (a: NamePart, b: NamePart): boolean => {
  const jw = jaroWinkler(a.norm, b.norm);
  return jw >= 0.9 || (a.soundex === b.soundex && jw >= 0.8) || (Math.min(a.norm.length, b.norm.length) >= 4 && oneEditApart(a.norm, b.norm));
};

export function compareFamily(a: NamePart[], b: NamePart[]): FamilyLevel | undefined {
  if (a.length === 0 || b.length === 0) return undefined;
  if (a.some((x) => b.some((y) => x.norm === y.norm))) return 'exact';
  if (a.some((x) => b.some((y) => similar(x, y)))) return 'similar';
  return 'different';
}

export function compareGiven(a: Features, b: Features): GivenLevel | undefined {
  if (a.given.length === 0 || b.given.length === 0) return undefined;
  let best: GivenLevel = 'different';
  const rank: Record<GivenLevel, number> = { exact: 0, nickname: 1, similar: 2, initial: 3, different: 4 };
  const take = (l: GivenLevel): void => {
    if (rank[l] < rank[best]) best = l;
  };
  for (const x of a.given) {
    for (const y of b.given) {
      if (x.norm === y.norm) return 'exact';
      if (nicknames(x.norm, y.norm)) take('nickname');
      else if (x.norm.length > 1 && y.norm.length > 1 && similar(x, y)) take('similar');
      else if ((x.norm.length === 1 || y.norm.length === 1) && x.norm[0] === y.norm[0]) take('initial');
    }
  }
  // A first name found among the other's middle names stays 'different': twins are often named
  // after each other ("Kevin Robert" / "Robert"), and calling it similar would lift them.
  return best;
}

export function compareBirthDate(a: string | undefined, b: string | undefined): BirthLevel | undefined {
  if (!a || !b) return undefined;
  if (a === b) return 'exact';
  const [ya, ma, da] = a.split('-');
  const [yb, mb, db] = b.split('-');
  if (ya === yb && ma === db && da === mb) return 'swapped';
  const sa = a.replace(/-/g, '');
  const sb = b.replace(/-/g, '');
  const diff: number[] = [];
  for (let i = 0; i < 8; i++) if (sa[i] !== sb[i]) diff.push(i);
  if (diff.length === 2 && diff[1] === diff[0]! + 1 && sa[diff[0]!] === sb[diff[1]] && sa[diff[1]] === sb[diff[0]!]) return 'transposed';
  if (ma === mb && da === db && Math.abs(Number(ya) - Number(yb)) === 1) return 'year-off';
  if (diff.length === 1) return 'typo';
  return 'different';
}

export function compareAddress(a: Features['addresses'], b: Features['addresses']): AddressLevel | undefined {
  if (a.length === 0 || b.length === 0) return undefined;
  let partial = false;
  for (const x of a) {
    for (const y of b) {
      const line = x.line !== '' && x.line === y.line;
      const postal = x.postal !== '' && x.postal === y.postal;
      if (line && (postal || x.postal === '' || y.postal === '')) return 'same';
      if (line || postal) partial = true;
    }
  }
  return partial ? 'partial' : 'different';
}

function compareSet(a: string[], b: string[]): ContactLevel | undefined {
  if (a.length === 0 || b.length === 0) return undefined;
  return a.some((x) => b.includes(x)) ? 'same' : 'different';
}

/**
 * The same number in the same system identifies the same person. Two different numbers in one
 * system that numbers people (not records: an MRN is per record, so duplicates differ there)
 * say they are two people.
 */
export function compareIdentifiers(a: Features['identifiers'], b: Features['identifiers']): IdentifierLevel | undefined {
  let conflict = false;
  for (const x of a) {
    for (const y of b) {
      if (x.system !== y.system) continue;
      if (x.value === y.value) return 'same';
      if (!x.local && !y.local) conflict = true;
    }
  }
  return conflict ? 'conflict' : undefined;
}

export function compare(a: Features, b: Features): Comparison {
  const c: Comparison = {};
  const family = compareFamily(a.family, b.family);
  if (family) c.family = family;
  const given = compareGiven(a, b);
  if (given) c.given = given;
  const birth = compareBirthDate(a.birthDate, b.birthDate);
  if (birth) c.birthDate = birth;
  if (a.sex && b.sex) c.sex = a.sex === b.sex ? 'same' : 'different';
  const address = compareAddress(a.addresses, b.addresses);
  if (address) c.address = address;
  const phone = compareSet(a.phones, b.phones);
  if (phone) c.phone = phone;
  const email = compareSet(a.emails, b.emails);
  if (email) c.email = email;
  const identifier = compareIdentifiers(a.identifiers, b.identifiers);
  if (identifier) c.identifier = identifier;
  return c;
}
