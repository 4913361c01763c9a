/**
 * Provider-to-provider messages between two real servers: what `$send-to-partner` sends (built by
 * partner-message.ts) received at B through `$partner-receive` with a partner token: stored
 * external, from the partner, about the patient B already holds (or none), with its attachments
 * and a Provenance, once only; replies threaded; bad attachments and bad messages refused with a
 * 400 and nothing stored; who may call each operation.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Communication, Parameters, Patient, Task } from '@medplum/fhirtypes';
import { EXTERNAL_TAG } from '../../../src/exchange/codes.ts';
import { messageParameters, type PartnerMessage } from '../../../src/exchange/referrals/messaging/partner-message.ts';
import { createReferral, deliverReferral } from '../../../src/exchange/referrals/referral-package.ts';
import { create, userToken } from '../../auth/fixtures.ts';
import { param, twoSides, type TwoSides } from './two-sides.ts';

const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

describe('messages between organizations', () => {
  let t: TwoSides;
  let patientA: Patient;
  let placedAtB: string;
  let drB: string;

  before(async () => {
    t = await twoSides();
    const id = await create(t.a.server, { resourceType: 'Patient', name: [{ family: 'Brackenbury', given: ['Isolde'] }], birthDate: '1972-04-30', gender: 'female' });
    patientA = (await t.a.repo.read('Patient', id)) as Patient;
    // A referral first: B then holds the patient, known by A's identifiers.
    const { task } = await createReferral(t.a.repo, { patientId: id, partner: t.a.partner, requester: { reference: `Practitioner/${t.a.clinic.practitioner}` }, reason: 'Dyspnoea', priority: 'routine', now: new Date() });
    const delivery = await deliverReferral({ repo: t.a.repo, baseUrl: t.a.server.base, client: t.client, canSee: () => true }, t.a.partner, task.id!);
    assert.equal(delivery.delivered, true);
    placedAtB = ((await t.b.repo.read('Task', delivery.remoteTask!)) as Task).for!.reference!.split('/')[1]!;
    drB = await userToken(t.b.server, t.b.clinic, 'dr.okafor');
  });
  after(async () => {
    await t?.close();
  });

  const receive = (body: unknown, token = t.b.partnerToken, purpose = 'TREAT') => t.b.server.request('POST', '/Communication/$partner-receive', { token, body, headers: purpose ? { 'x-purpose-of-use': purpose } : {} });
  const message = (over: Partial<PartnerMessage> = {}): PartnerMessage => ({
    messageId: crypto.randomUUID(),
    senderDisplay: 'Ada Okafor',
    topic: 'Echo results',
    text: 'Please find the echo attached.',
    attachments: [],
    sent: new Date().toISOString(),
    ...over,
  });
  const count = async (type: string) => (await t.b.server.request('GET', `/${type}?_summary=count`)).json.total as number;

  let first: { id: string; local: string };

  it('stores a message about a known patient: external, from the partner, to this organization, with its attachments and a Provenance', async () => {
    const m = message({ patient: patientA, attachments: [{ contentType: 'image/png', data: PNG, title: 'echo.png' }, { contentType: 'text/plain', data: Buffer.from('EF 55%').toString('base64') }] });
    const res = await receive(messageParameters(m));
    assert.equal(res.status, 201, res.text);
    assert.equal(param(res.json, 'patient'), placedAtB);
    const local = param(res.json, 'communication') as string;
    const c = (await t.b.server.request('GET', `/Communication/${local}`)).json as Communication;
    assert.ok(c.meta?.tag?.some((x) => x.code === EXTERNAL_TAG.code));
    assert.equal(c.subject?.reference, `Patient/${placedAtB}`);
    assert.equal(c.sender?.reference, `Organization/${t.b.partner.organizationId}`);
    assert.equal(c.sender?.display, `Ada Okafor, ${t.b.partner.name}`);
    assert.deepEqual(c.recipient, [{ reference: `Organization/${t.b.clinic.organization}` }]);
    assert.equal(c.payload?.[0]?.contentString, 'Please find the echo attached.');
    assert.deepEqual(c.payload?.slice(1).map((p) => p.contentAttachment?.contentType), ['image/png', 'text/plain']);
    assert.equal(c.payload?.[1]?.contentAttachment?.size, Buffer.byteLength(PNG, 'base64'));
    const prov = (await t.b.server.request('GET', `/Provenance?target=Communication/${local}`)).json;
    assert.equal(prov.entry.length, 1);
    assert.equal(prov.entry[0].resource.agent[0].who.reference, `Organization/${t.b.partner.organizationId}`);
    const again = await receive(messageParameters(m));
    assert.equal(again.status, 200, 'the same message again is recognised');
    assert.equal(param(again.json, 'communication'), local);
    first = { id: m.messageId, local };
  });

  it('threads a reply, and files a message about an unknown patient under no patient (creating none)', async () => {
    const patients = await count('Patient');
    const stranger: Patient = { resourceType: 'Patient', name: [{ family: 'Unheard-Of', given: ['Perpetua'] }], birthDate: '1990-10-10', identifier: [{ system: 'urn:continuum:mrn', value: 'M999-9999999' }] };
    const res = await receive(messageParameters(message({ patient: stranger, inResponseTo: first.id, text: 'And a follow-up.' })));
    assert.equal(res.status, 201, res.text);
    assert.equal(param(res.json, 'patient'), undefined);
    const c = (await t.b.server.request('GET', `/Communication/${param(res.json, 'communication') as string}`)).json as Communication;
    assert.equal(c.subject, undefined);
    assert.deepEqual(c.inResponseTo, [{ reference: `Communication/${first.local}` }]);
    assert.equal(await count('Patient'), patients);
  });

  it('refuses bad attachments and bad messages with a 400, storing nothing', async () => {
    const before = await count('Communication');
    const big = Buffer.alloc(5 * 1024 * 1024 + 1, 1).toString('base64');
    const bad: [string, unknown][] = [
      ['a GIF', messageParameters(message({ attachments: [{ contentType: 'image/gif', data: 'R0lGODlh' }] }))],
      ['over 5 MB', messageParameters(message({ attachments: [{ contentType: 'application/pdf', data: big }] }))],
      ['not base64', messageParameters(message({ attachments: [{ contentType: 'text/plain', data: 'not*base64!' }] }))],
      ['a URL instead of data', messageParameters(message({ attachments: [{ contentType: 'application/pdf', url: 'https://example.org/x.pdf' }] }))],
      ['no text', messageParameters(message({ text: '' }))],
      ['no message', { resourceType: 'Parameters', parameter: [] }],
      ['an unknown parameter', { resourceType: 'Parameters', parameter: [{ name: 'colour', valueString: 'red' }] }],
      ['not Parameters', { resourceType: 'Communication', status: 'completed' }],
    ];
    for (const [what, body] of bad) {
      const res = await receive(body);
      assert.equal(res.status, 400, `${what}: ${res.text.slice(0, 200)}`);
      assert.equal(res.json.resourceType, 'OperationOutcome');
    }
    const noId = messageParameters(message());
    delete (noId.parameter![0]!.resource as Communication).identifier;
    assert.equal((await receive(noId)).status, 400, 'a message needs its shared identifier');
    assert.equal(await count('Communication'), before);
  });

  it('$send-to-partner checks its inputs, and only physicians and nurses may send', async () => {
    const body = (extra: Parameters['parameter'] = []): Parameters => ({
      resourceType: 'Parameters',
      parameter: [{ name: 'partner', valueReference: { reference: `Organization/${t.b.partner.organizationId}` } }, { name: 'topic', valueString: 'Question' }, { name: 'text', valueString: 'Hello' }, ...(extra ?? [])],
    });
    const send = (b: unknown, opts: { token?: string; anonymous?: boolean } = {}) => t.b.server.request('POST', '/Communication/$send-to-partner', { ...opts, body: b });
    assert.equal((await send(body(), { anonymous: true })).status, 401);
    for (const user of ['desk.kim', 'bill.ng', 'audit.ray']) {
      const res = await send(body(), { token: await userToken(t.b.server, t.b.clinic, user) });
      assert.equal(res.status, 403, `${user}: ${res.text.slice(0, 200)}`);
    }
    const patient = await userToken(t.b.server, t.b.clinic, 'alice', 'openid fhirUser patient/*.cruds', { patient: t.b.clinic.patientA });
    assert.equal((await send(body(), { token: patient })).status, 403);
    assert.equal((await send(body())).status, 403, 'a system client is not a clinician');
    const nurseB = await userToken(t.b.server, t.b.clinic, 'nurse.lee');
    for (const token of [drB, nurseB]) {
      const res = await send(body(), { token });
      assert.equal(res.status, 400, 'in this branch the partner directory is empty');
      assert.match(res.json.issue[0].diagnostics, /not an exchange partner/);
    }
    assert.equal((await send(body([{ name: 'attachment', valueAttachment: { contentType: 'application/x-msdownload', data: 'TVqQ' } }]), { token: drB })).status, 400);
    assert.equal((await send({ resourceType: 'Parameters', parameter: [{ name: 'text', valueString: 'x' }] }, { token: drB })).status, 400, 'partner is required');
    assert.equal((await send(body([{ name: 'text', valueString: 'twice' }]), { token: drB })).status, 400, 'text once');
  });

  it('$partner-receive: 401 without a token, 403 for anyone but a partner; a partner reaches nothing else', async () => {
    assert.equal((await t.b.server.request('POST', '/Communication/$partner-receive', { anonymous: true, body: messageParameters(message()) })).status, 401);
    assert.equal((await receive(messageParameters(message()), t.b.server.token)).status, 403, 'the bootstrap system client is not a partner');
    assert.equal((await receive(messageParameters(message()), drB)).status, 403);
    assert.equal((await t.b.server.request('GET', '/Communication', { token: t.b.partnerToken })).status, 403);
    assert.equal((await receive(messageParameters(message()), t.b.partnerToken, '')).status, 400, 'a partner states its purpose of use');
    assert.equal((await receive(messageParameters(message()), t.b.partnerToken, 'MARKETING')).status, 400);
    assert.equal((await t.b.server.request('POST', '/Communication/$send-to-partner', { token: t.b.partnerToken, body: { resourceType: 'Parameters' } })).status, 403);
  });
});
