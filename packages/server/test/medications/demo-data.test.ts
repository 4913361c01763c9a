/**
 * The demo patients trigger real alerts: the generator's penicillin allergy (RxNorm 70618) flags
 * its usual antibiotics (amoxicillin: high; cephalexin: moderate cross-sensitivity) and not the
 * alternatives it gives allergic patients; its three interaction scenarios (simvastatin with
 * clarithromycin, warfarin with aspirin, sertraline with tramadol) each raise their finding.
 * Codes come from the generator itself (packages/synth), so the two cannot drift apart.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runOrderChecks } from '../../src/medications/checks.ts';
import { ACUTE } from '../../../synth/src/acute.ts';
import { DRUGS } from '../../../synth/src/drugs.ts';
import { allergy, input, order, RXNORM } from './fixtures.ts';

const PENICILLIN = allergy({ coding: [{ system: RXNORM, code: '70618', display: 'Penicillin' }] });
const drugOf = (key: string) => ACUTE.find((a) => a.key === key)!.drug!;

describe('demo data', () => {
  it('penicillin allergy: the usual antibiotics alert, the allergic alternatives do not', () => {
    const severity = (code: string) => runOrderChecks(input({ drafts: [order({ code })], allergies: [PENICILLIN] })).find((f) => f.kind === 'drug-allergy')?.severity;
    for (const key of ['strep', 'otitis', 'sinusitis']) assert.equal(severity(drugOf(key).usual), 'high', `${key}: amoxicillin`);
    assert.equal(severity(drugOf('cellulitis').usual), 'moderate', 'cellulitis: cephalexin (cross-sensitivity)');
    for (const key of ['strep', 'sinusitis', 'uti', 'pneumonia', 'cellulitis']) assert.equal(severity(drugOf(key).allergic!), undefined, `${key}: the alternative`);
  });

  it('the interaction scenarios each raise their finding', () => {
    const clarithromycin = drugOf('sinusitis').allergic!;
    const cases: Array<[draft: string, active: string, rule: string]> = [
      [DRUGS.simvastatin40.rx, clarithromycin, 'onc-hp-11'],
      [clarithromycin, DRUGS.simvastatin40.rx, 'onc-hp-11'],
      [DRUGS.aspirin81.rx, DRUGS.warfarin5.rx, 'warfarin-antiplatelet'],
      [DRUGS.tramadol50.rx, DRUGS.sertraline50.rx, 'serotonergic-tramadol'],
    ];
    for (const [draft, active, rule] of cases) {
      const f = runOrderChecks(input({ drafts: [order({ code: draft })], activeMedications: [order({ code: active, id: 'a1' })] }));
      assert.ok(f.some((x) => x.rule === rule), `${draft} with ${active}: ${rule}`);
    }
  });

  it('the generator\'s usual regimens alert nothing on their own', () => {
    const regimens = [DRUGS.lisinopril10, DRUGS.amlodipine5, DRUGS.metformin1000, DRUGS.atorvastatin40, DRUGS.metoprolol50, DRUGS.albuterol, DRUGS.fluticasone];
    const drafts = regimens.map((d) => order({ code: d.rx, dose: [{ doseAndRate: [{ doseQuantity: { value: d.dose[0], unit: d.dose[1] } }], ...(d.perDay ? { timing: { repeat: { frequency: d.perDay, period: 1, periodUnit: 'd' as const } } } : {}) }] }));
    assert.deepEqual(runOrderChecks(input({ drafts })), []);
  });
});
