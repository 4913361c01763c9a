/**
 * The drug-drug interaction rules at the engine level: each of the 15 ONC high-priority pairs
 * (Phansalkar 2012) fires a high finding for at least two members of each side (where the side
 * has two or more), in both directions (draft with an active order, active order with a draft),
 * coded with a shipped RxNorm product or only by name; other sourced interactions fire with their
 * severity; a set of real non-interacting combinations fires nothing; findings are deterministic.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runOrderChecks } from '../../src/medications/checks.ts';
import { draftOf, input, order, orderOf } from './fixtures.ts';

const MATRIX: Array<[rule: string, a: string[], b: string[]]> = [
  ['onc-hp-01', ['dextroamphetamine', 'methylphenidate', 'lisdexamfetamine', 'pseudoephedrine', 'atomoxetine'], ['phenelzine', 'tranylcypromine', 'selegiline']],
  ['onc-hp-02', ['atazanavir'], ['omeprazole', 'pantoprazole', 'esomeprazole', 'lansoprazole', 'rabeprazole', 'dexlansoprazole']],
  ['onc-hp-03', ['febuxostat'], ['azathioprine', 'mercaptopurine']],
  ['onc-hp-04', ['sertraline', 'fluoxetine', 'paroxetine', 'duloxetine', 'desvenlafaxine', 'nefazodone'], ['phenelzine', 'selegiline', 'procarbazine']],
  ['onc-hp-05', ['irinotecan'], ['ketoconazole', 'clarithromycin', 'itraconazole']],
  ['onc-hp-06', ['meperidine', 'tramadol', 'methadone', 'fentanyl'], ['phenelzine', 'isocarboxazid']],
  ['onc-hp-07', ['amitriptyline', 'nortriptyline', 'imipramine'], ['tranylcypromine', 'phenelzine']],
  ['onc-hp-08', ['amiodarone', 'sotalol'], ['haloperidol', 'pimozide', 'thioridazine']],
  ['onc-hp-09', ['ramelteon'], ['fluvoxamine', 'ciprofloxacin']],
  ['onc-hp-10', ['rifampin', 'carbamazepine', 'phenytoin'], ['atazanavir', 'darunavir']],
  ['onc-hp-11', ['simvastatin', 'lovastatin'], ['clarithromycin', 'itraconazole', 'ritonavir']],
  ['onc-hp-12', ['ketoconazole', 'ritonavir', 'clarithromycin'], ['ergotamine', 'dihydroergotamine']],
  ['onc-hp-13', ['tizanidine'], ['fluvoxamine', 'ciprofloxacin']],
  ['onc-hp-14', ['tranylcypromine'], ['procarbazine']],
  ['onc-hp-15', ['sumatriptan', 'rizatriptan', 'zolmitriptan'], ['phenelzine', 'tranylcypromine']],
];

function fires(rule: string, draft: string, active: string): void {
  const findings = runOrderChecks(input({ drafts: [draftOf(draft)], activeMedications: [orderOf(active)] }));
  const f = findings.find((x) => x.rule === rule);
  assert.ok(f, `${rule}: ${draft} ordered with ${active} active should alert; got ${JSON.stringify(findings.map((x) => x.rule))}`);
  assert.equal(f.kind, 'drug-drug');
  assert.equal(f.severity, 'high');
  assert.equal(f.draftIndex, 0);
  assert.ok(f.summary.length < 140);
  assert.ok(f.references.some((r) => /Phansalkar/.test(r.label)), `${rule} cites the ONC paper`);
  assert.ok(f.suggestions.some((s) => s.action === 'remove-draft'));
}

describe('ONC high-priority drug-drug interactions', () => {
  for (const [rule, a, b] of MATRIX) {
    it(`${rule}: ${a.join(', ')} with ${b.join(', ')}`, () => {
      for (const x of a) {
        for (const y of b) {
          if (x === y) continue;
          fires(rule, x, y);
          fires(rule, y, x);
        }
      }
    });
  }

  it('matches by ingredient whatever the product or when the order has only text', () => {
    // simvastatin 40 MG Oral Tablet (198211) and a free-text clarithromycin order.
    const coded = runOrderChecks(input({ drafts: [order({ code: '198211' })], activeMedications: [order({ text: 'Clarithromycin 500 mg tablet twice daily', id: 'c1' })] }));
    assert.equal(coded.filter((f) => f.rule === 'onc-hp-11').length, 1);
    const text = runOrderChecks(input({ drafts: [order({ text: 'SIMVASTATIN 20mg' })], activeMedications: [order({ text: 'clarithromycin', id: 'c1' })] }));
    assert.equal(text.filter((f) => f.rule === 'onc-hp-11').length, 1);
  });

  it('suggests pravastatin (a shipped RxNorm code) when the statin is the new order, not when the antibiotic is', () => {
    const [statinDraft] = runOrderChecks(input({ drafts: [order({ code: '198211' })], activeMedications: [orderOf('clarithromycin', 'c1')] }));
    const replace = statinDraft!.suggestions.find((s) => s.action === 'replace-medication');
    assert.deepEqual(replace?.replacement, { code: '904475', display: 'pravastatin sodium 40 MG Oral Tablet' });
    assert.match(statinDraft!.summary, /^Simvastatin with clarithromycin/);
    assert.deepEqual(statinDraft!.implicated, [{ reference: 'MedicationRequest/c1', display: statinDraft!.implicated[0]!.display }]);
    const [antibioticDraft] = runOrderChecks(input({ drafts: [draftOf('clarithromycin')], activeMedications: [order({ code: '198211', id: 's1' })] }));
    assert.equal(antibioticDraft!.suggestions.some((s) => s.action === 'replace-medication'), false);
  });

  it('reports a pair of drafts once, on the later draft, pointing at the earlier one', () => {
    const findings = runOrderChecks(input({ drafts: [draftOf('phenelzine'), draftOf('sertraline')] }));
    const ddi = findings.filter((f) => f.kind === 'drug-drug');
    assert.equal(ddi.length, 1);
    assert.equal(ddi[0]!.draftIndex, 1);
    assert.equal(ddi[0]!.implicated[0]!.reference, '#draft-0');
  });

  it('ignores stopped and entered-in-error medications, and the order a draft renews', () => {
    const stopped = { ...orderOf('clarithromycin', 'c1'), status: 'stopped' as const };
    assert.equal(runOrderChecks(input({ drafts: [draftOf('simvastatin')], activeMedications: [stopped] })).length, 0);
    const renewal = { ...draftOf('simvastatin'), priorPrescription: { reference: 'MedicationRequest/s1' } };
    const active = orderOf('simvastatin', 's1');
    assert.equal(runOrderChecks(input({ drafts: [renewal], activeMedications: [active] })).length, 0);
  });

  it('gives the same findings, ids and order for the same input', () => {
    const make = () => input({ drafts: [draftOf('simvastatin'), draftOf('sumatriptan')], activeMedications: [orderOf('clarithromycin', 'c1'), orderOf('phenelzine', 'p1')] });
    const first = runOrderChecks(make());
    assert.ok(first.length >= 2);
    assert.deepEqual(runOrderChecks(make()), first);
    assert.ok(first.every((f) => f.id.startsWith(`${f.kind}:${f.rule}:`)));
  });
});

describe('other sourced interactions', () => {
  const cases: Array<[rule: string, draft: string, active: string, severity: 'high' | 'moderate']> = [
    ['warfarin-nsaid', 'ibuprofen', 'warfarin', 'moderate'],
    ['warfarin-nsaid', 'warfarin', 'naproxen', 'moderate'],
    ['warfarin-antiplatelet', 'aspirin', 'warfarin', 'moderate'],
    ['warfarin-antiplatelet', 'clopidogrel', 'warfarin', 'moderate'],
    ['methotrexate-trimethoprim', 'trimethoprim', 'methotrexate', 'high'],
    ['pde5-nitrate', 'sildenafil', 'isosorbide dinitrate', 'high'],
    ['pde5-nitrate', 'tadalafil', 'nitroglycerin', 'high'],
    ['lithium-thiazide', 'hydrochlorothiazide', 'lithium', 'moderate'],
    ['lithium-raas', 'lisinopril', 'lithium', 'moderate'],
    ['clopidogrel-ppi', 'omeprazole', 'clopidogrel', 'moderate'],
    ['clopidogrel-ppi', 'esomeprazole', 'clopidogrel', 'moderate'],
    ['serotonergic-tramadol', 'tramadol', 'sertraline', 'moderate'],
  ];
  for (const [rule, draft, active, severity] of cases) {
    it(`${rule}: ${draft} with ${active} is ${severity}`, () => {
      const f = runOrderChecks(input({ drafts: [draftOf(draft)], activeMedications: [orderOf(active)] })).find((x) => x.rule === rule);
      assert.ok(f, `${draft} + ${active}`);
      assert.equal(f.severity, severity);
      assert.ok(f.references.length > 0);
    });
  }

  it('finds trimethoprim inside sulfamethoxazole/trimethoprim (a combination product)', () => {
    const f = runOrderChecks(input({ drafts: [order({ code: '198335' })], activeMedications: [orderOf('methotrexate', 'm1')] }));
    assert.ok(f.some((x) => x.rule === 'methotrexate-trimethoprim'));
  });
});

describe('safe combinations', () => {
  const SAFE: Array<[string, string]> = [
    ['pravastatin', 'clarithromycin'],
    ['lisinopril', 'amlodipine'],
    ['metformin', 'atorvastatin'],
    ['losartan', 'hydrochlorothiazide'],
    ['sertraline', 'amlodipine'],
    ['amoxicillin', 'omeprazole'],
    ['apixaban', 'metoprolol'],
    ['azithromycin', 'metformin'],
    ['levothyroxine', 'lisinopril'],
    ['escitalopram', 'atorvastatin'],
    ['pantoprazole', 'clopidogrel'],
    ['rosuvastatin', 'clarithromycin'],
    ['naratriptan', 'propranolol'],
  ];
  for (const [a, b] of SAFE) {
    it(`${a} with ${b} raises nothing`, () => {
      assert.deepEqual(runOrderChecks(input({ drafts: [draftOf(a)], activeMedications: [orderOf(b)] })), []);
      assert.deepEqual(runOrderChecks(input({ drafts: [draftOf(b)], activeMedications: [orderOf(a)] })), []);
    });
  }
});
