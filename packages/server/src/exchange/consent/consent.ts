/**
 * The patient's consent to exchange with other organizations, evaluated at the disclosing side.
 * Implemented by the consent part; used by `$match` (partners see only patients they may see),
 * disclosure, referrals and Subscription notifications to partners.
 */
import type { Repository } from '../../store/repository.ts';
import type { PurposeOfUse } from '../types.ts';

export interface ConsentDecision {
  /** Whether anything of this patient may go to that organization for that purpose. */
  permit: boolean;
  /**
   * meta.security / sensitivity codes (e.g. `R`, `PSY`, `SUD`, `HIV`, `ETH`) whose resources must be
   * withheld even when `permit` is true.
   */
  withheldLabels: string[];
  /** The Consent resources the decision rests on (`Consent/x`), for the audit. */
  basis: string[];
  /** A sentence for the audit and the OperationOutcome, without PHI. */
  reason: string;
}

export async function consentDecision(_repo: Repository, _patientId: string, _organizationId: string, _purpose: PurposeOfUse, _now: Date = new Date()): Promise<ConsentDecision> {
  // Replaced by the consent part. Until then nothing is disclosed.
  return { permit: false, withheldLabels: [], basis: [], reason: 'consent evaluation is not available' };
}
