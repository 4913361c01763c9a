/**
 * Common English given-name variants: each group lists a formal name first, then short forms
 * and nicknames people register under. Written for Continuum from general knowledge of English
 * naming (no third-party list was copied), so it carries the project's own licence. It is
 * deliberately small: a nickname pair is strong evidence only because such pairs are few.
 */
const GROUPS: readonly (readonly string[])[] = [
  ['abigail', 'abby', 'gail'],
  ['albert', 'al', 'bert', 'bertie'],
  ['alexander', 'alex', 'alec', 'sandy', 'xander'],
  ['alexandra', 'alex', 'alexa', 'sandra', 'sandy', 'lexi'],
  ['alfred', 'alf', 'alfie', 'fred'],
  ['andrew', 'andy', 'drew'],
  ['anthony', 'tony'],
  ['antoinette', 'toni', 'netty'],
  ['arthur', 'art', 'artie'],
  ['barbara', 'barb', 'babs', 'barbie'],
  ['benjamin', 'ben', 'benny', 'benji'],
  ['bernard', 'bernie'],
  ['beverly', 'bev'],
  ['bradley', 'brad'],
  ['catherine', 'cathy', 'cat', 'kate', 'katie', 'kathy', 'kay'],
  ['katherine', 'kathy', 'kate', 'katie', 'kay', 'kat', 'kitty'],
  ['kathleen', 'kathy', 'kate', 'katie'],
  ['charles', 'charlie', 'chuck', 'chas', 'chip'],
  ['charlotte', 'charlie', 'lottie', 'char'],
  ['christine', 'chris', 'chrissy', 'tina'],
  ['christina', 'chris', 'chrissy', 'tina'],
  ['christopher', 'chris', 'kit', 'topher'],
  ['cynthia', 'cindy'],
  ['daniel', 'dan', 'danny'],
  ['danielle', 'dani'],
  ['david', 'dave', 'davy'],
  ['deborah', 'debbie', 'deb', 'debra'],
  ['donald', 'don', 'donnie'],
  ['dorothy', 'dot', 'dottie', 'dolly'],
  ['douglas', 'doug'],
  ['edward', 'ed', 'eddie', 'ned', 'ted', 'teddy'],
  ['edwin', 'ed', 'eddie'],
  ['eleanor', 'ellie', 'nell', 'nora', 'elle'],
  ['elizabeth', 'liz', 'lizzie', 'beth', 'betty', 'betsy', 'eliza', 'libby', 'liza', 'bess'],
  ['emily', 'em', 'emmy'],
  ['eugene', 'gene'],
  ['frances', 'fran', 'frannie'],
  ['francis', 'frank', 'fran'],
  ['franklin', 'frank'],
  ['frederick', 'fred', 'freddie', 'rick'],
  ['gabriel', 'gabe'],
  ['gerald', 'gerry', 'jerry'],
  ['gregory', 'greg'],
  ['harold', 'hal', 'harry'],
  ['henry', 'hank', 'harry', 'hal'],
  ['isabella', 'bella', 'izzy', 'isabel'],
  ['jacob', 'jake'],
  ['james', 'jim', 'jimmy', 'jamie'],
  ['janet', 'jan'],
  ['jeffrey', 'jeff'],
  ['jennifer', 'jen', 'jenny', 'jenn'],
  ['jessica', 'jess', 'jessie'],
  ['john', 'jack', 'johnny', 'jon'],
  ['jonathan', 'jon', 'johnny', 'nathan'],
  ['joseph', 'joe', 'joey'],
  ['josephine', 'jo', 'josie'],
  ['joshua', 'josh'],
  ['judith', 'judy', 'jude'],
  ['kenneth', 'ken', 'kenny'],
  ['lawrence', 'larry', 'laurie'],
  ['leonard', 'leo', 'len', 'lenny'],
  ['louis', 'lou', 'louie'],
  ['margaret', 'maggie', 'meg', 'peggy', 'marge', 'margie', 'greta', 'madge', 'daisy'],
  ['martha', 'marty', 'patty'],
  ['matthew', 'matt', 'matty'],
  ['michael', 'mike', 'mikey', 'mick', 'mickey'],
  ['nancy', 'nan'],
  ['nathaniel', 'nate', 'nathan', 'nat'],
  ['nicholas', 'nick', 'nicky', 'nico'],
  ['nicole', 'nikki', 'nicky'],
  ['pamela', 'pam'],
  ['patricia', 'pat', 'patty', 'trish', 'tricia'],
  ['patrick', 'pat', 'paddy'],
  ['peter', 'pete'],
  ['philip', 'phil'],
  ['phillip', 'phil'],
  ['rebecca', 'becky', 'becca'],
  ['richard', 'rick', 'ricky', 'rich', 'dick'],
  ['robert', 'rob', 'robbie', 'bob', 'bobby', 'bert'],
  ['ronald', 'ron', 'ronnie'],
  ['samantha', 'sam', 'sammy'],
  ['samuel', 'sam', 'sammy'],
  ['sandra', 'sandy'],
  ['stephen', 'steve', 'stevie'],
  ['steven', 'steve', 'stevie'],
  ['susan', 'sue', 'susie', 'suzy'],
  ['suzanne', 'sue', 'susie', 'suzy'],
  ['theodore', 'ted', 'teddy', 'theo'],
  ['thomas', 'tom', 'tommy'],
  ['timothy', 'tim', 'timmy'],
  ['valerie', 'val'],
  ['victoria', 'vicky', 'tori'],
  ['vincent', 'vince', 'vinny'],
  ['virginia', 'ginny', 'ginger'],
  ['walter', 'walt', 'wally'],
  ['william', 'will', 'bill', 'billy', 'willy', 'liam'],
  ['zachary', 'zach', 'zack'],
];

const BY_NAME: ReadonlyMap<string, ReadonlySet<number>> = (() => {
  const m = new Map<string, Set<number>>();
  GROUPS.forEach((g, i) => {
    for (const n of g) m.set(n, (m.get(n) ?? new Set()).add(i));
  });
  return m;
})();

/** Whether two normalised given names are variants of one another (Bill / William, Liz / Beth). */
export function nicknames(a: string, b: string): boolean {
  const ga = BY_NAME.get(a);
  const gb = BY_NAME.get(b);
  if (!ga || !gb) return false;
  for (const g of ga) if (gb.has(g)) return true;
  return false;
}

/** The formal names `name` may stand for, itself included (for blocking on given names). */
export function variantsOf(name: string): string[] {
  const out = new Set([name]);
  for (const g of BY_NAME.get(name) ?? []) for (const n of GROUPS[g]!) out.add(n);
  return [...out];
}
