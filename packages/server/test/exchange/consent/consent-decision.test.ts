/**
 * The consent decision table (consent/consent.ts `decideConsent`), pure: default policies, a
 * permit for one organization, a specific deny beating a general permit, periods, purposes,
 * sensitive labels, and the latest consent winning where two conflict.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Consent, ConsentProvision } from '@medplum/fhirtypes';
import { decideConsent } from '../../../src/exchange/consent/consent.ts';
import { parseConsentDefault } from '../../../src/exchange/consent/default-policy.ts';
import { configFromEnv } from '../../../src/config.ts';
import { CONSENT_CATEGORY, CONSENT_SCOPE } from '../../../src/exchange/codes.ts';

const NOW = new Date('2026-06-15T12:00:00Z');
let n = 0;

function consent(provision: ConsentProvision, opts: { at?: string; org?: string; status?: Consent['status'] } = {}): Consent {
  return {
    resourceType: 'Consent',
    id: `c${++n}`,
    status: opts.status ?? 'active',
    scope: { coding: [CONSENT_SCOPE] },
    category: [{ coding: [CONSENT_CATEGORY] }],
    patient: { reference: 'Patient/p1' },
    dateTime: opts.at ?? '2026-01-01T00:00:00Z',
    provision: { ...provision, ...(opts.org ? { actor: [{ role: { text: 'recipient' }, reference: { reference: `Organization/${opts.org}` } }] } : {}) },
  };
}

describe('consent decision', () => {
  it('opt-in (the default) discloses nothing without a consent; opt-out discloses, sensitive labels withheld', () => {
    assert.equal(parseConsentDefault({}), 'opt-in');
    const optIn = decideConsent([], 'hosp', 'TREAT', NOW, 'opt-in');
    assert.equal(optIn.permit, false);
    assert.match(optIn.reason, /opt-in/);
    const optOut = decideConsent([], 'hosp', 'TREAT', NOW, 'opt-out');
    assert.equal(optOut.permit, true);
    for (const label of ['R', 'V', 'PSY', 'SUD', 'HIV', 'ETH', 'PSYTHPN']) assert.ok(optOut.withheldLabels.includes(label), label);
  });

  it('a bad CONTINUUM_EXCHANGE_CONSENT is refused, naming the variable', () => {
    assert.throws(() => parseConsentDefault({ CONTINUUM_EXCHANGE_CONSENT: 'maybe' }), /CONTINUUM_EXCHANGE_CONSENT must be opt-in or opt-out/);
    assert.equal(parseConsentDefault({ CONTINUUM_EXCHANGE_CONSENT: 'opt-out' }), 'opt-out');
    // The server's configuration reads it at start: a typo stops the start.
    assert.throws(() => configFromEnv({ CONTINUUM_EXCHANGE_CONSENT: 'optin' }), /CONTINUUM_EXCHANGE_CONSENT/);
    assert.equal(configFromEnv({ CONTINUUM_EXCHANGE_CONSENT: 'opt-out' }).exchangeConsent, 'opt-out');
  });

  it('a permit for one organization opens it and no other', () => {
    const c = consent({ type: 'permit' }, { org: 'hosp' });
    const d = decideConsent([c], 'hosp', 'TREAT', NOW, 'opt-in');
    assert.equal(d.permit, true);
    assert.deepEqual(d.basis, [`Consent/${c.id}`]);
    assert.equal(decideConsent([c], 'other', 'TREAT', NOW, 'opt-in').permit, false);
  });

  it('a deny for one organization beats a general permit, even a later one', () => {
    const deny = consent({ type: 'deny' }, { org: 'hosp', at: '2026-01-01T00:00:00Z' });
    const permitAll = consent({ type: 'permit' }, { at: '2026-03-01T00:00:00Z' });
    const d = decideConsent([deny, permitAll], 'hosp', 'TREAT', NOW, 'opt-in');
    assert.equal(d.permit, false);
    assert.equal(d.basis[0], `Consent/${deny.id}`);
    assert.equal(decideConsent([deny, permitAll], 'clinic', 'TREAT', NOW, 'opt-in').permit, true);
  });

  it('a specific permit and a general deny: the later one wins', () => {
    const permitHosp = consent({ type: 'permit' }, { org: 'hosp', at: '2026-02-01T00:00:00Z' });
    const denyAllBefore = consent({ type: 'deny' }, { at: '2026-01-01T00:00:00Z' });
    const denyAllAfter = consent({ type: 'deny' }, { at: '2026-03-01T00:00:00Z' });
    assert.equal(decideConsent([permitHosp, denyAllBefore], 'hosp', 'TREAT', NOW, 'opt-out').permit, true);
    assert.equal(decideConsent([permitHosp, denyAllAfter], 'hosp', 'TREAT', NOW, 'opt-out').permit, false);
  });

  it('the latest of two general consents wins; inactive ones do not count', () => {
    const permit = consent({ type: 'permit' }, { at: '2026-01-01T00:00:00Z' });
    const withdraw = consent({ type: 'deny' }, { at: '2026-05-01T00:00:00Z' });
    assert.equal(decideConsent([permit, withdraw], 'hosp', 'TREAT', NOW, 'opt-in').permit, false);
    assert.equal(decideConsent([permit, { ...withdraw, status: 'inactive' }], 'hosp', 'TREAT', NOW, 'opt-in').permit, true);
  });

  it('a permit outside its period does not apply', () => {
    const expired = consent({ type: 'permit', period: { start: '2025-01-01', end: '2026-06-14' } });
    assert.equal(decideConsent([expired], 'hosp', 'TREAT', NOW, 'opt-in').permit, false);
    const lastDay = consent({ type: 'permit', period: { start: '2025-01-01', end: '2026-06-15' } });
    assert.equal(decideConsent([lastDay], 'hosp', 'TREAT', NOW, 'opt-in').permit, true, 'a period ending on a date covers that day');
    const future = consent({ type: 'permit', period: { start: '2026-07-01' } });
    assert.equal(decideConsent([future], 'hosp', 'TREAT', NOW, 'opt-in').permit, false);
  });

  it('a permit for treatment does not permit payment', () => {
    const treat = consent({ type: 'permit', purpose: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'TREAT' }] });
    assert.equal(decideConsent([treat], 'hosp', 'TREAT', NOW, 'opt-in').permit, true);
    assert.equal(decideConsent([treat], 'hosp', 'HPAYMT', NOW, 'opt-in').permit, false);
  });

  it('sensitive labels are withheld unless a nested permit names them (a broader label covers narrower ones)', () => {
    const plain = decideConsent([consent({ type: 'permit' })], 'hosp', 'TREAT', NOW, 'opt-in');
    assert.ok(plain.withheldLabels.includes('SUD') && plain.withheldLabels.includes('PSY') && plain.withheldLabels.includes('R'));
    const withSud = decideConsent([consent({ type: 'permit', provision: [{ type: 'permit', securityLabel: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'SUD' }] }] })], 'hosp', 'TREAT', NOW, 'opt-in');
    assert.equal(withSud.permit, true);
    assert.ok(!withSud.withheldLabels.includes('SUD'));
    assert.ok(!withSud.withheldLabels.includes('OPIOIDUD'), 'SUD covers opioid use disorder');
    assert.ok(withSud.withheldLabels.includes('PSY') && withSud.withheldLabels.includes('HIV'));
    const nestedDeny = decideConsent([consent({ type: 'permit', provision: [{ type: 'deny', securityLabel: [{ code: 'HIV' }] }] })], 'hosp', 'TREAT', NOW, 'opt-in');
    assert.ok(nestedDeny.withheldLabels.includes('HIV'));
  });

  it('consents of another scope or category are ignored', () => {
    const research: Consent = { ...consent({ type: 'deny' }), scope: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'research' }] } };
    assert.equal(decideConsent([research], 'hosp', 'TREAT', NOW, 'opt-out').permit, true);
  });
});
