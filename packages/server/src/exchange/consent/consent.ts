/**
 * The patient's consent to exchange with other organizations, evaluated at the disclosing side;
 * used by `$match` (partners see only patients they may see), disclosure (`$everything` for a
 * partner), referrals and Subscription notifications to partners.
 *
 * The Consents that count are the patient's with status active, scope CONSENT_SCOPE and category
 * CONSENT_CATEGORY. One applies to a request when its top-level provision's period holds `now`
 * (or has none), its purposes include the purpose asked for (or it names none), and its actors
 * name `Organization/<id>` (or it names none: every organization). Among those that apply:
 * - the latest specific one (naming the organization) and the latest general one are taken
 *   (latest by `dateTime`, else `meta.lastUpdated`);
 * - a specific deny wins over any general permit, whenever it was given;
 * - a specific permit and a general deny conflict: the later of the two wins (a patient who
 *   refused everyone and then allowed one clinic allows that clinic; one who then refused everyone
 *   again refuses it too);
 * - none applies: the deployment's default (`CONTINUUM_EXCHANGE_CONSENT`, opt-in: deny).
 * Sensitive labels (access/sensitivity.ts: R, V, PSY, SUD, HIV, ETH, ...) are withheld even when
 * the answer is permit, unless a nested provision of type permit of the deciding Consent names the
 * label in its `securityLabel` (a broader label covers narrower ones: SUD covers OPIOIDUD).
 */
import type { Consent, ConsentProvision } from '@medplum/fhirtypes';
import type { Repository } from '../../store/repository.ts';
import { rightCodes, rightsCover } from '../../access/sensitivity.ts';
import { CONSENT_CATEGORY, CONSENT_SCOPE } from '../codes.ts';
import type { PurposeOfUse } from '../types.ts';
import type { ConsentDefault } from './default-policy.ts';

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

/** At most this many exchange Consents of one patient are read (a patient writes a few a year). */
const MAX_CONSENTS = 500;

const hasCode = (concepts: { coding?: { system?: string; code?: string }[] }[] | undefined, want: { system: string; code: string }): boolean =>
  (concepts ?? []).some((c) => (c.coding ?? []).some((x) => x.code === want.code && (x.system === undefined || x.system === want.system)));

/** Whether a Consent is an active exchange consent (scope and category), whatever it decides. */
export function isExchangeConsent(c: Consent): boolean {
  return c.status === 'active' && hasCode(c.scope ? [c.scope] : [], CONSENT_SCOPE) && hasCode(c.category, CONSENT_CATEGORY);
}

/** The organization ids a Consent's top-level provision names (empty: every organization). */
export function actorsOf(c: Consent): string[] {
  return organizationIds((c.provision?.actor ?? []).map((a) => a.reference?.reference));
}

/** The ids of the `Organization/<id>` references among `refs`. */
export function organizationIds(refs: readonly (string | undefined)[]): string[] {
  return refs.flatMap((r) => {
    const m = /^Organization\/([A-Za-z0-9.-]{1,64})$/.exec(r ?? '');
    return m ? [m[1]!] : [];
  });
}

const when = (c: Consent): number => Date.parse(c.dateTime ?? c.meta?.lastUpdated ?? '') || 0;

function inPeriod(p: ConsentProvision | undefined, now: Date): boolean {
  const start = p?.period?.start ? Date.parse(p.period.start) : undefined;
  const end = p?.period?.end ? Date.parse(p.period.end) : undefined;
  if (start !== undefined && !(start <= now.getTime())) return false;
  // A period ending on a date covers that whole day.
  if (end !== undefined && !(now.getTime() <= end + (/^\d{4}-\d{2}-\d{2}$/.test(p!.period!.end!) ? 86_399_999 : 0))) return false;
  return true;
}

function forPurpose(p: ConsentProvision | undefined, purpose: PurposeOfUse): boolean {
  const purposes = p?.purpose ?? [];
  return purposes.length === 0 || purposes.some((c) => c.code === purpose);
}

/** The labels nested permit provisions open. */
export function permittedLabels(c: Consent): string[] {
  return (c.provision?.provision ?? []).filter((n) => n.type === 'permit').flatMap((n) => (n.securityLabel ?? []).flatMap((l) => (l.code ? [l.code] : [])));
}

const withheld = (permitted: readonly string[]): string[] => rightCodes().filter((code) => !rightsCover(permitted, code));

/** The decision over a patient's Consents (pure; see the header). */
export function decideConsent(consents: readonly Consent[], organizationId: string, purpose: PurposeOfUse, now: Date, fallback: ConsentDefault): ConsentDecision {
  const applicable = consents.filter((c) => isExchangeConsent(c) && c.provision?.type !== undefined && inPeriod(c.provision, now) && forPurpose(c.provision, purpose));
  const latest = (list: Consent[]): Consent | undefined => list.reduce<Consent | undefined>((best, c) => (best === undefined || when(c) > when(best) ? c : best), undefined);
  const specific = latest(applicable.filter((c) => actorsOf(c).includes(organizationId)));
  const general = latest(applicable.filter((c) => actorsOf(c).length === 0 && (c.provision?.actor ?? []).length === 0));
  const ref = (c: Consent): string => `Consent/${c.id ?? ''}`;
  let deciding: Consent | undefined;
  if (specific?.provision?.type === 'deny') deciding = specific;
  else if (specific && general?.provision?.type === 'deny') deciding = when(general) > when(specific) ? general : specific;
  else deciding = specific ?? general;
  if (deciding === undefined) {
    return fallback === 'opt-out'
      ? { permit: true, withheldLabels: withheld([]), basis: [], reason: 'no exchange consent on file; this deployment discloses unless the patient opts out' }
      : { permit: false, withheldLabels: withheld([]), basis: [], reason: 'no exchange consent on file; this deployment discloses only with the patient’s consent (opt-in)' };
  }
  const basis = [deciding, ...(deciding === specific && general && general !== deciding ? [general] : [])].map(ref);
  if (deciding.provision?.type === 'deny') {
    return { permit: false, withheldLabels: withheld([]), basis, reason: `the patient’s consent (${ref(deciding)}) refuses disclosure to Organization/${organizationId} for ${purpose}` };
  }
  return { permit: true, withheldLabels: withheld(permittedLabels(deciding)), basis, reason: `the patient’s consent (${ref(deciding)}) permits disclosure to Organization/${organizationId} for ${purpose}` };
}

/** The patient's exchange Consents (active or not), newest first. */
export async function exchangeConsents(repo: Repository, patientId: string): Promise<Consent[]> {
  const page = await repo.search(repo.parseCriteria('Consent', `patient=${encodeURIComponent(`Patient/${patientId}`)}&_sort=-_lastUpdated`), { count: MAX_CONSENTS });
  return page.matches.map((m) => JSON.parse(m.content) as Consent).filter((c) => hasCode(c.scope ? [c.scope] : [], CONSENT_SCOPE) && hasCode(c.category, CONSENT_CATEGORY));
}

export async function consentDecision(
  repo: Repository,
  patientId: string,
  organizationId: string,
  purpose: PurposeOfUse,
  now: Date = new Date(),
  /** The deployment's default (ExchangeServices.consentDefault, from CONTINUUM_EXCHANGE_CONSENT). */
  fallback: ConsentDefault = 'opt-in',
): Promise<ConsentDecision> {
  return decideConsent(await exchangeConsents(repo, patientId), organizationId, purpose, now, fallback);
}
