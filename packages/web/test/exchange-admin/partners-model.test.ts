/** The partner directory's view model: rows from `$partners`, the add form's checks, the values to send the partner (pure). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Bundle } from '@medplum/fhirtypes';
import { addPartnerParameters, checkResult, checkSummary, INBOUND_CLIENT_EXT, JWKS_URI_EXT, OUTBOUND_CLIENT_EXT, partnerRows, suggestClientId, validatePartnerForm, valuesForPartner, type PartnerForm } from '../../src/exchange/admin/partners-model.ts';

const endpoint = (id: string, org: string, status: 'active' | 'off', address: string) => ({
  resourceType: 'Endpoint' as const,
  id,
  status,
  address,
  connectionType: { system: 'http://terminology.hl7.org/CodeSystem/endpoint-connection-type', code: 'hl7-fhir-rest' },
  payloadType: [{ text: 'FHIR' }],
  managingOrganization: { reference: `Organization/${org}` },
  extension: [
    { url: OUTBOUND_CLIENT_EXT, valueString: `us-at-${org}` },
    { url: INBOUND_CLIENT_EXT, valueString: `${org}-here` },
    { url: JWKS_URI_EXT, valueUrl: `${address.replace(/\/fhir$/, '')}/exchange/jwks.json` },
  ],
});

const FORM: PartnerForm = { name: 'Riverside Hospital', fhirBase: 'https://riverside.example/fhir/', partnerClientId: 'riverside-1', ourClientId: 'clinic-a', jwksUri: '' };

describe('partner directory rows', () => {
  it('joins each partner Organization with its Endpoint, by name, and reads the status', () => {
    const bundle: Bundle = {
      resourceType: 'Bundle',
      type: 'searchset',
      entry: [
        { resource: { resourceType: 'Organization', id: 'o2', name: 'Zeta Cardiology' }, search: { mode: 'match' } },
        { resource: { resourceType: 'Organization', id: 'o1', name: 'Alpha Hospital' }, search: { mode: 'match' } },
        { resource: endpoint('e1', 'o1', 'active', 'http://127.0.0.1:8091/fhir'), search: { mode: 'include' } },
        { resource: endpoint('e2', 'o2', 'off', 'https://zeta.example/fhir'), search: { mode: 'include' } },
      ],
    };
    const rows = partnerRows(bundle);
    assert.deepEqual(rows.map((r) => [r.name, r.active, r.fhirBase]), [
      ['Alpha Hospital', true, 'http://127.0.0.1:8091/fhir'],
      ['Zeta Cardiology', false, 'https://zeta.example/fhir'],
    ]);
    assert.equal(rows[0]!.outboundClientId, 'us-at-o1');
    assert.equal(rows[0]!.inboundClientId, 'o1-here');
    assert.equal(rows[0]!.jwksUri, 'http://127.0.0.1:8091/exchange/jwks.json');
  });

  it('reads a partner without an Endpoint as not active', () => {
    const rows = partnerRows({ resourceType: 'Bundle', type: 'searchset', entry: [{ resource: { resourceType: 'Organization', id: 'o', name: 'Lonely' } }] });
    assert.equal(rows[0]!.active, false);
    assert.equal(rows[0]!.fhirBase, undefined);
  });
});

describe('add-partner form', () => {
  it('accepts a complete form and sends trimmed values, the base without its trailing slash', () => {
    assert.deepEqual(validatePartnerForm(FORM), {});
    const params = addPartnerParameters({ ...FORM, name: '  Riverside Hospital ' });
    assert.deepEqual(params, [
      { name: 'name', valueString: 'Riverside Hospital' },
      { name: 'fhirBase', valueUrl: 'https://riverside.example/fhir' },
      { name: 'partnerClientId', valueString: 'riverside-1' },
      { name: 'ourClientId', valueString: 'clinic-a' },
    ]);
    assert.deepEqual(addPartnerParameters({ ...FORM, jwksUri: 'https://keys.example/jwks.json' }).at(-1), { name: 'jwksUri', valueUrl: 'https://keys.example/jwks.json' });
  });

  it('says what is wrong, per field', () => {
    const errors = validatePartnerForm({ name: ' ', fhirBase: 'ftp://x.example', partnerClientId: '', ourClientId: 'has space', jwksUri: 'not a url' });
    assert.deepEqual(Object.keys(errors).sort(), ['fhirBase', 'jwksUri', 'name', 'ourClientId', 'partnerClientId']);
    assert.match(errors.fhirBase!, /http/);
    assert.ok(validatePartnerForm({ ...FORM, fhirBase: 'javascript:alert(1)' }).fhirBase);
    assert.ok(validatePartnerForm({ ...FORM, partnerClientId: 'clinic-a' }).partnerClientId, 'the two client ids differ');
    assert.ok(validatePartnerForm({ ...FORM, ourClientId: 'urn:x' }).ourClientId, 'no colon in a client id');
  });

  it('suggests a client id from the name', () => {
    const id = suggestClientId('Hôpital Saint-Éloi (Cardio)', () => 0.5);
    assert.match(id, /^hopital-saint-eloi-cardio-[0-9a-z]{6}$/);
    assert.deepEqual(validatePartnerForm({ ...FORM, partnerClientId: id }), {});
    assert.match(suggestClientId('!!!', () => 0), /^partner-0{6}$/);
  });
});

describe('what the partner is sent, and connectivity checks', () => {
  it('reads our FHIR base, our JWKS URL and both client ids: theirs as sent, ours from the $add-partner answer', () => {
    const values = valuesForPartner(
      {
        resourceType: 'Parameters',
        parameter: [
          { name: 'organization', valueReference: { reference: 'Organization/o9' } },
          { name: 'endpoint', valueReference: { reference: 'Endpoint/e9' } },
          { name: 'ourFhirBase', valueUrl: 'http://127.0.0.1:8090/fhir' },
          { name: 'ourJwksUri', valueUrl: 'http://127.0.0.1:8090/exchange/jwks.json' },
          { name: 'ourClientId', valueString: 'clinic-a' },
        ],
      },
      FORM,
    );
    assert.deepEqual(values, { organizationId: 'o9', ourFhirBase: 'http://127.0.0.1:8090/fhir', ourJwksUri: 'http://127.0.0.1:8090/exchange/jwks.json', theirClientId: 'riverside-1', ourClientId: 'clinic-a' });
    assert.equal(valuesForPartner({ resourceType: 'Parameters' }, FORM).ourClientId, 'clinic-a', 'falls back to what was sent');
  });

  it('reads a check', () => {
    const ok = checkResult({ resourceType: 'Parameters', parameter: [{ name: 'reachable', valueBoolean: true }, { name: 'tokenOk', valueBoolean: true }, { name: 'detail', valueString: 'token in 40 ms' }] });
    assert.deepEqual(ok, { reachable: true, tokenOk: true, detail: 'token in 40 ms' });
    assert.match(checkSummary(ok), /^Connected/);
    assert.match(checkSummary(checkResult({ resourceType: 'Parameters', parameter: [{ name: 'reachable', valueBoolean: true }] })), /did not give us a token/);
    assert.match(checkSummary(checkResult({ resourceType: 'Parameters' })), /could not be reached/);
  });
});
