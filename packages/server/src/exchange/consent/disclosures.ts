/**
 * The record of what left this deployment for another organization (or was refused): one row per
 * disclosure, for the patient's "who holds my data" and for reports. Implemented by the consent
 * part; referrals, messaging and notifications call it too. The audit trail records each as well.
 */
import type { Repository } from '../../store/repository.ts';
import type { PurposeOfUse } from '../types.ts';

export interface Disclosure {
  patient: string;
  organizationId: string;
  organizationName: string;
  purpose: PurposeOfUse;
  kind: 'match' | 'query' | 'referral' | 'message' | 'notification';
  /** How many resources went out (0 when denied). */
  resources: number;
  outcome: 'disclosed' | 'denied';
  at?: Date;
}

export async function recordDisclosure(_repo: Repository, _d: Disclosure): Promise<void> {}
