/**
 * The companion writes this server runs (see store/companions.ts): each feature that derives
 * resources from a write registers its companion here, by resource type.
 */
import type { Config } from './config.ts';
import { routeResult } from './orders/result-routing.ts';
import { Companions, type Companion } from './store/companions.ts';
import { erxCompanion } from './erx/companion.ts';
import { intakeCompanion } from './portal/scheduling/intake-companion.ts';
import { subscriptionCompanions } from './exchange/subscriptions/companion.ts';

export function buildCompanions(_config: Config): Companions {
  const entries: [string, Companion][] = [
    ['DiagnosticReport', routeResult],
    ['MedicationRequest', erxCompanion],
    ['QuestionnaireResponse', intakeCompanion],
    ...subscriptionCompanions(),
  ];
  return new Companions(entries);
}
