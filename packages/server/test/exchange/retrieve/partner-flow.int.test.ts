/**
 * The receiving operations calling a real partner: two test servers with their own databases, A
 * (discloses) and B (receives). B's operations run in-process through B's router as a physician,
 * with an exchange client that hands each request to A's router as A's partner principal for B
 * (the real guard, consent, filtering and audit at A). Only the transport (HTTP and the SMART
 * Backend Services token, which the partners part provides) is left out; the two-instance test of
 * the e2e part covers it. Checks: A's consent refusal reaches B's clinician as a 403 with A's
 * reason; with consent, `$external-record` brings A's record marked external (no withheld labels)
 * and remembers the link; `$reconcile-preview` fetches and compares it; `$import-external` imports
 * an item with its Provenance; `$external-match` answers even when a partner fails.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Bundle, Parameters, ParametersParameter, Resource } from '@medplum/fhirtypes';
import { isOutcomeError } from '@continuum/fhir';
import type { Principal } from '../../../src/access/policy.ts';
import { parseScopes } from '../../../src/access/scopes.ts';
import { route } from '../../../src/api/router.ts';
import type { ApiContext, FhirRequest } from '../../../src/api/types.ts';
import { EXTERNAL_SOURCE_EXT, EXTERNAL_TAG } from '../../../src/exchange/codes.ts';
import { PURPOSE_HEADER, type ExchangeServices, type Partner } from '../../../src/exchange/types.ts';
import { SearchParamProvider } from '../../../src/search-params/provider.ts';
import { Repository } from '../../../src/store/repository.ts';
import { startTestServer, type TestServer } from '../../fixtures/server.ts';
import { buildClinic, create, type Clinic } from '../../auth/fixtures.ts';
import { params, partnerContext, partnerOrganization, type PartnerContext } from '../consent/exchange-fixtures.ts';

let a: TestServer;
let b: TestServer;
let clinicA: Clinic;
let atA: PartnerContext;
let bAtA: string;
let aAtB: string;
let patientB: string;
let metforminA: string;
let asPhysicianAtB: ApiContext;

async function run(ctx: ApiContext, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
  const [p, q] = path.split('?');
  const req: FhirRequest = { method, path: p!, query: [...new URLSearchParams(q ?? '')], headers, ...(body !== undefined ? { body } : {}) };
  try {
    const res = await route(ctx, req);
    return { status: res.status, body: typeof res.body === 'string' ? JSON.parse(res.body) : res.body };
  } catch (err) {
    if (!isOutcomeError(err)) throw err;
    return { status: err.status, body: err.outcome };
  }
}

before(async () => {
  a = await startTestServer();
  b = await startTestServer();
  clinicA = await buildClinic(a);
  metforminA = await create(a, { resourceType: 'MedicationRequest', status: 'active', intent: 'order', subject: { reference: `Patient/${clinicA.patientA}` }, authoredOn: '2026-01-10', medicationCodeableConcept: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '861007', display: 'metformin hydrochloride 500 MG Oral Tablet' }] } });
  bAtA = await partnerOrganization(a, 'Hillcrest Cardiology');
  atA = await partnerContext(a, clinicA.tenant, bAtA, 'Hillcrest Cardiology');

  aAtB = await partnerOrganization(b, 'Riverside Family Practice');
  patientB = await create(b, { resourceType: 'Patient', name: [{ family: 'Testpatient', given: ['Alice'] }], birthDate: '1980-02-03' });
  const practitionerB = await create(b, { resourceType: 'Practitioner', name: [{ family: 'Heart', given: ['Hana'] }] });
  const partnerA: Partner = { organizationId: aAtB, name: 'Riverside Family Practice', endpointId: 'e1', fhirBase: a.base, outboundClientId: 'hillcrest-at-riverside', inboundClientId: 'riverside-at-hillcrest', jwksUri: `${a.origin}/exchange/jwks.json`, active: true };
  const exchange: ExchangeServices = {
    origin: b.origin,
    consentDefault: 'opt-in',
    audit: { record: async () => undefined },
    // A's router, as A's partner principal for B: the request as the partners part's client sends it.
    client: {
      call: async (_partner, req) => {
        const headers: Record<string, string> = { [PURPOSE_HEADER]: req.purposeOfUse ?? 'TREAT', ...(req.onBehalfOf?.fhirUser ? { 'x-on-behalf-of': req.onBehalfOf.fhirUser } : {}) };
        return run(atA.ctx, req.method, req.path, req.body, headers);
      },
    },
    keys: { sign: async () => '', jwks: () => ({ keys: [] }), kid: () => '' },
    verifier: { verify: async () => new Uint8Array() },
    partners: () => ({ list: async () => [partnerA], get: async (id) => (id === aAtB ? partnerA : undefined), byInboundClient: async () => undefined }),
  };
  const repo = new Repository({ db: b.database.db, indexer: await new SearchParamProvider(b.database.db).indexerFor('default') }, 'default');
  const physician: Principal = { kind: 'staff', tenant: 'default', clientId: 'web', username: 'dr.heart', fhirUser: `Practitioner/${practitionerB}`, roles: ['physician'], scopes: parseScopes('user/*.cruds').rules, securityRights: [], breakGlass: [] };
  asPhysicianAtB = { repo, baseUrl: b.base, principal: physician, exchange };
});
after(async () => {
  await a.close();
  await b.close();
});

const recordParams = (...more: ParametersParameter[]): Parameters => params({ name: 'partner', valueReference: { reference: `Organization/${aAtB}` } }, { name: 'remotePatient', valueString: clinicA.patientA }, ...more);

describe('retrieving from a partner', () => {
  it('the partner’s consent refusal reaches the clinician as a 403 with its reason, and the partner audits it', async () => {
    const res = await run(asPhysicianAtB, 'POST', `/Patient/${patientB}/$external-record`, recordParams());
    assert.equal(res.status, 403);
    assert.match(JSON.stringify(res.body), /Riverside Family Practice refused: Disclosure refused: .*consent/);
    assert.equal(atA.audits.at(-1)?.outcome, 'denied');
  });

  it('with consent at the partner: the record marked external, without withheld labels, and the link remembered', async () => {
    const consent = await a.request('POST', `/Patient/${clinicA.patientA}/$exchange-consent`, { body: params({ name: 'organization', valueReference: { reference: `Organization/${bAtA}` } }, { name: 'decision', valueCode: 'permit' }) });
    assert.equal(consent.status, 200, consent.text.slice(0, 300));
    const res = await run(asPhysicianAtB, 'POST', `/Patient/${patientB}/$external-record`, recordParams({ name: 'purpose', valueCode: 'TREAT' }));
    assert.equal(res.status, 200, JSON.stringify(res.body).slice(0, 300));
    const bundle = res.body as Bundle;
    assert.equal(bundle.type, 'collection');
    const urls = (bundle.entry ?? []).map((e) => e.fullUrl);
    assert.ok(urls.includes(`${a.base}/Observation/${clinicA.labA}`));
    assert.ok(urls.includes(`${a.base}/MedicationRequest/${metforminA}`));
    assert.ok(!urls.includes(`${a.base}/Condition/${clinicA.restrictedA}`), 'A withheld the substance-use record');
    for (const e of bundle.entry ?? []) {
      assert.equal(e.resource?.meta?.source, e.fullUrl);
      assert.ok(e.resource?.meta?.tag?.some((t) => t.code === EXTERNAL_TAG.code));
      assert.deepEqual((e.resource as { extension?: { url: string; valueReference?: unknown }[] }).extension?.find((x) => x.url === EXTERNAL_SOURCE_EXT)?.valueReference, { reference: `Organization/${aAtB}`, display: 'Riverside Family Practice' });
    }
    assert.equal(atA.audits.at(-1)?.outcome, 'success');
    assert.match(atA.audits.at(-1)?.detail ?? '', /on behalf of Practitioner\//);
    const { rows } = await b.database.db.query<{ remote_patient: string }>('SELECT remote_patient FROM exchange_link WHERE patient_id = $1 AND organization_id = $2', [patientB, aAtB]);
    assert.deepEqual(rows.map((r) => r.remote_patient), [clinicA.patientA]);
  });

  it('$reconcile-preview fetches from the partner, and $import-external imports an item with its Provenance', async () => {
    const res = await run(asPhysicianAtB, 'POST', `/Patient/${patientB}/$reconcile-preview`, recordParams());
    assert.equal(res.status, 200, JSON.stringify(res.body).slice(0, 300));
    const items = (res.body as Parameters).parameter ?? [];
    const metformin = items.find((p) => p.part?.find((x) => x.name === 'incoming')?.resource?.meta?.source === `${a.base}/MedicationRequest/${metforminA}`);
    assert.ok(metformin, 'the partner’s medication is offered');
    assert.equal(metformin.part?.find((x) => x.name === 'match')?.valueCode, 'new');
    const incoming = metformin.part.find((x) => x.name === 'incoming')!.resource as Resource;
    const imported = await run(asPhysicianAtB, 'POST', `/Patient/${patientB}/$import-external`, params({ name: 'partner', valueReference: { reference: `Organization/${aAtB}` } }, { name: 'item', part: [{ name: 'resource', resource: incoming }, { name: 'action', valueCode: 'accept' }] }));
    assert.equal(imported.status, 200, JSON.stringify(imported.body).slice(0, 300));
    const ref = (imported.body as Parameters).parameter?.find((p) => p.name === 'created')?.valueReference?.reference;
    assert.match(ref ?? '', /^MedicationRequest\//);
    const copy = await b.request('GET', `/${ref!}`);
    assert.equal(copy.json.subject.reference, `Patient/${patientB}`);
    const prov = await b.request('GET', `/Provenance?target=${ref!}`);
    assert.equal((prov.json as Bundle).entry?.length, 1);
  });

  it('$external-match answers even when a partner fails: an outcome entry for it', async () => {
    const res = await run(asPhysicianAtB, 'POST', `/Patient/${patientB}/$external-match`, params({ name: 'purpose', valueCode: 'TREAT' }));
    assert.equal(res.status, 200, JSON.stringify(res.body).slice(0, 300));
    const bundle = res.body as Bundle;
    assert.equal(bundle.type, 'searchset');
    for (const e of bundle.entry ?? []) {
      if (e.search?.mode === 'outcome') assert.match(JSON.stringify(e.resource), /Riverside Family Practice/);
      else {
        assert.equal(e.search?.mode, 'match');
        assert.ok(e.fullUrl?.startsWith(a.base));
        assert.ok(e.resource?.meta?.tag?.some((t) => t.code === EXTERNAL_TAG.code));
      }
    }
    assert.ok((bundle.entry ?? []).length >= 1);
  });
});
