/**
 * Ingredient identity by name. RxNorm names an ingredient with or without its salt or ester
 * ("metoprolol succinate", "doxepin hydrochloride", "olmesartan medoxomil"); the rules in
 * `knowledge/` name the active moiety ("metoprolol"). `ingredientKey` folds a name to that moiety:
 * lower case, accents and punctuation dropped, trailing salt words removed while another word
 * remains (so "sodium chloride" and "potassium chloride" keep their identity). Pure.
 */

const SALTS = new Set([
  'hydrochloride', 'hcl', 'dihydrochloride', 'hydrobromide', 'sodium', 'disodium', 'potassium', 'calcium', 'magnesium',
  'succinate', 'tartrate', 'bitartrate', 'acetate', 'maleate', 'besylate', 'mesylate', 'dimesylate', 'citrate', 'sulfate',
  'fumarate', 'hemifumarate', 'phosphate', 'bromide', 'hyclate', 'monohydrate', 'trihydrate', 'dihydrate', 'anhydrous',
  'medoxomil', 'cilexetil', 'propionate', 'dipropionate', 'furoate', 'valerate', 'axetil', 'estolate', 'ethylsuccinate',
  'stearate', 'lactobionate', 'pivoxil', 'tromethamine', 'decanoate', 'enanthate', 'cypionate', 'xinafoate', 'aspartate',
  'saccharate', 'macrocrystals', 'macrocrystal', 'napsylate', 'pamoate', 'lactate', 'gluconate', 'oxalate', 'tosylate', 'succinate', 'malate', 'carbonate',
]);

/** Lower case, no accents, words separated by single spaces. */
export function foldName(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, ' ')
    .trim();
}

/** The active-moiety key of an ingredient name: "Metoprolol Succinate" → "metoprolol". */
export function ingredientKey(name: string): string {
  const words = foldName(name).split(' ').filter(Boolean);
  while (words.length > 1 && SALTS.has(words[words.length - 1]!)) words.pop();
  return words.join(' ');
}
