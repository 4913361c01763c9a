/**
 * The catalogue parser over RxNorm's display grammar (single and combination drugs, liquids,
 * quantity and qualifier prefixes, packs, brands, ingredient concepts), ingredient identity
 * (salts folded), finding names in free text, the whole shipped list, and the integrity of the
 * shipped knowledge files (every rule resolves, every demo-data drug is in the catalogue).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseRxNormDisplay } from '../../src/medications/catalogue.ts';
import { parseStrength } from '../../src/medications/catalogue-search.ts';
import { shippedKnowledge } from '../../src/medications/knowledge.ts';
import { NameMatcher } from '../../src/medications/name-matcher.ts';
import { ingredientKey } from '../../src/medications/names.ts';
import { DRUGS } from '../../../synth/src/drugs.ts';

describe('parseRxNormDisplay', () => {
  it('reads a single-ingredient drug', () => {
    assert.deepEqual(parseRxNormDisplay('617311', 'atorvastatin 40 MG Oral Tablet'), {
      code: '617311', display: 'atorvastatin 40 MG Oral Tablet', ingredientOnly: false, doseForm: 'Oral Tablet',
      ingredients: [{ name: 'atorvastatin', key: 'atorvastatin', strength: { value: 40, unit: 'MG' } }],
    });
  });

  it('reads combinations, salts and liquid concentrations', () => {
    const combo = parseRxNormDisplay('1', 'amlodipine 5 MG / hydrochlorothiazide 25 MG / olmesartan medoxomil 40 MG Oral Tablet');
    assert.deepEqual(combo.ingredients.map((i) => [i.key, i.strength?.value]), [['amlodipine', 5], ['hydrochlorothiazide', 25], ['olmesartan', 40]]);
    assert.equal(combo.doseForm, 'Oral Tablet');
    const liquid = parseRxNormDisplay('2', 'amoxicillin 80 MG/ML / clavulanate 11.4 MG/ML Oral Suspension');
    assert.deepEqual(liquid.ingredients[1]!.strength, { value: 11.4, unit: 'MG', perValue: 1, perUnit: 'ML' });
  });

  it('reads quantity and qualifier prefixes', () => {
    const syringe = parseRxNormDisplay('3', '1 ML medroxyprogesterone acetate 150 MG/ML Injection');
    assert.deepEqual(syringe.quantity, { value: 1, unit: 'ML' });
    assert.equal(syringe.ingredients[0]!.key, 'medroxyprogesterone');
    assert.equal(syringe.doseForm, 'Injection');
    const er = parseRxNormDisplay('4', 'Abuse-Deterrent 12 HR oxycodone 9 MG Extended Release Oral Capsule');
    assert.deepEqual([er.ingredients[0]!.key, er.ingredients[0]!.strength?.value, er.doseForm, er.quantity?.unit], ['oxycodone', 9, 'Extended Release Oral Capsule', 'HR']);
  });

  it('reads packs, brands and ingredient concepts', () => {
    const pack = parseRxNormDisplay('5', '{4 (amoxicillin 500 MG Oral Capsule) / 2 (clarithromycin 500 MG Oral Tablet) / 2 (omeprazole 20 MG Delayed Release Oral Capsule) } Pack');
    assert.deepEqual(pack.ingredients.map((i) => i.key), ['amoxicillin', 'clarithromycin', 'omeprazole']);
    assert.equal(pack.doseForm, 'Pack');
    const branded = parseRxNormDisplay('6', 'atorvastatin 40 MG Oral Tablet [Lipitor]');
    assert.equal(branded.brand, 'Lipitor');
    assert.equal(branded.doseForm, 'Oral Tablet');
    assert.deepEqual(parseRxNormDisplay('7', 'atazanavir'), { code: '7', display: 'atazanavir', ingredients: [{ name: 'atazanavir', key: 'atazanavir' }], ingredientOnly: true });
  });

  it('parses every shipped drug into ingredients, and every product with strengths', () => {
    const { entries } = shippedKnowledge().catalogue;
    assert.ok(entries.length >= 3587 + 20);
    for (const e of entries) {
      assert.ok(e.ingredients.length > 0, e.display);
      if (!e.ingredientOnly) assert.ok(e.ingredients.every((i) => i.strength), e.display);
    }
    assert.ok(entries.filter((e) => !e.ingredientOnly && !e.doseForm).length <= 2, 'only component concepts lack a form');
  });
});

describe('ingredient names', () => {
  it('folds salts and esters to the active moiety, but keeps salts that are the drug', () => {
    assert.equal(ingredientKey('Metoprolol Succinate'), 'metoprolol');
    assert.equal(ingredientKey('olmesartan medoxomil'), 'olmesartan');
    assert.equal(ingredientKey('esomeprazole magnesium trihydrate'), 'esomeprazole');
    assert.equal(ingredientKey('sodium chloride'), 'sodium chloride');
    assert.equal(ingredientKey('potassium'), 'potassium');
  });

  it('finds whole names in text, longest first', () => {
    const m = new NameMatcher(['penicillin', 'penicillin g', 'isosorbide dinitrate', 'lisinopril']);
    assert.deepEqual(m.find('Penicillin G potassium 5 million units'), ['penicillin g']);
    assert.deepEqual(m.find('Isosorbide dinitrate 10mg + LISINOPRIL'), ['isosorbide dinitrate', 'lisinopril']);
    assert.deepEqual(m.find('penicillinase-resistant'), []);
  });

  it('parses strengths for search', () => {
    assert.deepEqual(parseStrength('20'), { value: 20 });
    assert.deepEqual(parseStrength('20 mg'), { value: 20, unit: 'MG' });
    assert.deepEqual(parseStrength('0.5 mg / ml'), { value: 0.5, unit: 'MG/ML' });
    assert.equal(parseStrength('twenty'), undefined);
  });
});

describe('shipped knowledge', () => {
  const k = shippedKnowledge();

  it('has the 15 ONC pairs, each citing the paper, with members on both sides', () => {
    const onc = k.interactions.rules.filter((r) => r.id.startsWith('onc-hp-'));
    assert.equal(onc.length, 15);
    for (const r of onc) {
      assert.ok(r.sideA.size > 0 && r.sideB.size > 0, r.id);
      assert.ok(r.references.some((ref) => /Phansalkar/.test(ref.label)), r.id);
    }
    for (const r of k.interactions.rules) assert.ok(r.references.length > 0, r.id);
  });

  it('has dose limits for at least 25 drugs, each citing its label', () => {
    const keys = k.doses.keys();
    assert.ok(keys.length >= 25, String(keys.length));
    for (const key of keys) assert.ok(k.doses.get(key)!.references.length > 0, key);
  });

  it('offers replacements that are real catalogue drugs', () => {
    for (const r of k.interactions.rules.filter((x) => x.replacement)) assert.equal(k.catalogue.byCode.get(r.replacement!.code)?.display, r.replacement!.display);
  });

  it('knows every drug the demo data prescribes, and every hand-added supplement code', () => {
    for (const [name, drug] of Object.entries(DRUGS)) assert.ok(k.catalogue.byCode.has(drug.rx), `${name} ${drug.rx}`);
    const supplement = readFileSync(new URL('../../terminology/supplement.tsv', import.meta.url), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
    for (const [table, code, display] of supplement) if (table === 'rxnorm') assert.equal(k.catalogue.byCode.get(code!)?.display, display);
  });
});
