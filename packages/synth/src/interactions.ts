/**
 * Deliberate drug-interaction scenarios, so decision support has something real to find: about
 * one adult in a hundred over 40 gets one of three well-documented interacting pairs, all active
 * at `now` — simvastatin with clarithromycin (CYP3A4 inhibition, myopathy risk), warfarin with
 * aspirin (bleeding), or sertraline with tramadol (serotonin syndrome, seizures). The scenario
 * adds the conditions that justify both drugs, so every prescription still fits a problem.
 */
import { ACUTE } from './acute.ts';
import type { Acute } from './acute.ts';
import type { ChronicKey, Profile } from './conditions.ts';
import type { DrugName } from './drugs.ts';
import type { Person } from './person.ts';
import type { Rng } from './prng.ts';
import { YEAR } from './time.ts';

export type Scenario = 'statin-macrolide' | 'warfarin-aspirin' | 'ssri-tramadol';

export interface ScenarioPlan {
  scenario: Scenario;
  /** Regimens that replace the random choice for these conditions. */
  forced: Partial<Record<ChronicKey, DrugName[]>>;
  /** A recent acute illness to add, treated with the given antibiotic. */
  recentAcute?: { acute: Acute; antibiotic: string };
}

const ICD: Partial<Record<ChronicKey, string>> = { hld: 'E78.5', afib: 'I48.91', cad: 'I25.10', depression: 'F32.A', oa: 'M17.9' };

function ensure(rng: Rng, profile: Profile, key: ChronicKey, now: number): void {
  if (!profile.has(key)) profile.set(key, { key, icd: ICD[key] ?? '', onset: now - (1 + rng.next() * 3) * YEAR, severity: 0.3 });
}

export function pickScenario(rng: Rng, person: Person, profile: Profile, now: number): ScenarioPlan | undefined {
  if (person.age < 40 || !rng.chance(0.012)) return undefined;
  const scenario = rng.pick<Scenario>(person.age >= 55 ? ['statin-macrolide', 'warfarin-aspirin', 'ssri-tramadol'] : ['statin-macrolide', 'ssri-tramadol']);
  switch (scenario) {
    case 'statin-macrolide':
      ensure(rng, profile, 'hld', now);
      return { scenario, forced: { hld: ['simvastatin40'] }, recentAcute: { acute: ACUTE.find((a) => a.key === 'sinusitis') as Acute, antibiotic: '197517' } };
    case 'warfarin-aspirin':
      ensure(rng, profile, 'afib', now);
      ensure(rng, profile, 'cad', now);
      return { scenario, forced: { afib: ['warfarin5', 'metoprolol50'], cad: ['aspirin81'] } };
    case 'ssri-tramadol':
      ensure(rng, profile, 'depression', now);
      ensure(rng, profile, 'oa', now);
      return { scenario, forced: { depression: ['sertraline50'], oa: ['tramadol50'] } };
  }
}
