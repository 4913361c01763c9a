/**
 * Who may prescribe and see e-prescriptions, through the real API with real user tokens: no token
 * is a 401; the front desk may neither write a prescription nor renew one (403), and a biller may
 * not read the send Tasks or the NewRx documents (403); a physician may, and a physician whose
 * Practitioner has no NPI is told why the prescription to a pharmacy cannot be sent (422).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Bundle } from '@medplum/fhirtypes';
import { buildClinic, create, userToken, type Clinic } from '../auth/fixtures.ts';
import { startTestServer, type TestServer } from '../fixtures/server.ts';
import { order, pharmacy } from './fixtures.ts';

let server: TestServer;
let clinic: Clinic;
let pharmacyId = '';

before(async () => {
  server = await startTestServer({ CONTINUUM_ERX_SENDER: 'none' });
  clinic = await buildClinic(server);
  pharmacyId = await create(server, { ...pharmacy(), id: undefined });
});
after(() => server.close());

const prescription = () => order({}, { patient: clinic.patientA, prescriber: clinic.practitioner, pharmacy: pharmacyId });
const renewal = (): Bundle => ({ resourceType: 'Bundle', type: 'transaction', entry: [{ resource: prescription(), request: { method: 'POST', url: 'MedicationRequest' } }] });

describe('e-prescribing access', () => {
  it('refuses a prescription or a renewal without a token (401)', async () => {
    assert.equal((await server.request('POST', '/MedicationRequest', { body: prescription(), anonymous: true })).status, 401);
    assert.equal((await server.request('POST', '', { body: renewal(), anonymous: true })).status, 401);
    assert.equal((await server.request('GET', '/Task?code=urn:continuum:task-code|erx-send', { anonymous: true })).status, 401);
  });

  it('refuses the front desk a prescription or a renewal, and a biller the send Tasks and messages (403)', async () => {
    const desk = await userToken(server, clinic, 'desk.kim');
    assert.equal((await server.request('POST', '/MedicationRequest', { body: prescription(), token: desk })).status, 403);
    assert.equal((await server.request('POST', '', { body: renewal(), token: desk })).status, 403);
    const biller = await userToken(server, clinic, 'bill.ng');
    assert.equal((await server.request('GET', '/Task?code=urn:continuum:task-code|erx-send', { token: biller })).status, 403);
    assert.equal((await server.request('GET', `/DocumentReference?type=${encodeURIComponent('http://loinc.org|57833-6')}`, { token: biller })).status, 403);
  });

  it('lets a physician prescribe, and says why a prescriber without an NPI cannot send to a pharmacy (422)', async () => {
    const doctor = await userToken(server, clinic, 'dr.okafor');
    const refused = await server.request('POST', '/MedicationRequest', { body: prescription(), token: doctor });
    assert.equal(refused.status, 422, refused.text.slice(0, 300));
    assert.match(JSON.stringify(refused.json), /no NPI/);
    const printed = await server.request('POST', '/MedicationRequest', { body: order({ dispenseRequest: { quantity: { value: 30, unit: 'tablet' } } }, { patient: clinic.patientA, prescriber: clinic.practitioner, pharmacy: pharmacyId }), token: doctor });
    assert.equal(printed.status, 201, printed.text.slice(0, 300));
    assert.equal((await server.request('GET', '/Task?code=urn:continuum:task-code|erx-send', { token: doctor })).status, 200);
  });
});
