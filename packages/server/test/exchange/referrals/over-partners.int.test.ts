/**
 * The whole referral and messaging path over HTTP between two deployments joined with
 * `$add-partner` (the real partner directory, exchange key, outbound client and consent): a
 * physician's `$refer` refused without the patient's consent, delivered once it is given, B's
 * answers reaching A through the real client, and a message delivered with `$send-to-partner`.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Parameters, Task } from '@medplum/fhirtypes';
import { buildClinic, create, userToken, type Clinic } from '../../auth/fixtures.ts';
import { startTestServer, type TestServer } from '../../fixtures/server.ts';
import { param } from './two-sides.ts';

interface Deployment {
  server: TestServer;
  clinic: Clinic;
  dataDir: string;
  doctor: string;
  /** The other deployment's Organization id here. */
  partnerOrg: string;
}

describe('referrals and messages over the real partner directory', () => {
  let a: Deployment;
  let b: Deployment;
  let patient: string;

  const deployment = async (name: string): Promise<Deployment> => {
    const dataDir = mkdtempSync(join(tmpdir(), `continuum-${name}-`));
    const server = await startTestServer({ CONTINUUM_DATA_DIR: dataDir, CONTINUUM_EXCHANGE_PRIVATE_NETWORK: '1' });
    const clinic = await buildClinic(server);
    return { server, clinic, dataDir, doctor: await userToken(server, clinic, 'dr.okafor'), partnerOrg: '' };
  };
  const add = async (at: TestServer, name: string, other: TestServer, partnerClientId: string, ourClientId: string): Promise<string> => {
    const res = await at.request('POST', '/Organization/$add-partner', {
      body: {
        resourceType: 'Parameters',
        parameter: [
          { name: 'name', valueString: name },
          { name: 'fhirBase', valueUrl: other.base },
          { name: 'jwksUri', valueUrl: `${other.origin}/exchange/jwks.json` },
          { name: 'partnerClientId', valueString: partnerClientId },
          { name: 'ourClientId', valueString: ourClientId },
        ],
      },
    });
    assert.equal(res.status, 201, res.text);
    return String(param(res.json, 'organization')).split('/')[1]!;
  };

  before(async () => {
    a = await deployment('clinic-a');
    b = await deployment('hospital-b');
    a.partnerOrg = await add(a.server, 'Lakeview Hospital', b.server, 'hospital-b', 'clinic-a');
    b.partnerOrg = await add(b.server, 'Riverside Clinic', a.server, 'clinic-a', 'hospital-b');
    patient = await create(a.server, { resourceType: 'Patient', name: [{ family: 'Ravensworth', given: ['Cordelia'] }], birthDate: '1958-03-21', gender: 'female' });
  });
  after(async () => {
    for (const d of [a, b]) {
      if (!d) continue;
      await d.server.close();
      rmSync(d.dataDir, { recursive: true, force: true });
    }
  });

  const refer = () =>
    a.server.request('POST', `/Patient/${patient}/$refer`, {
      token: a.doctor,
      body: { resourceType: 'Parameters', parameter: [{ name: 'partner', valueReference: { reference: `Organization/${a.partnerOrg}` } }, { name: 'reason', valueString: 'Murmur, please assess' }, { name: 'priority', valueCode: 'urgent' }] },
    });

  let aTask: string;
  let bTask: string;

  it("refuses a referral the patient's consent does not allow (403), then delivers it once consent is given", async () => {
    const denied = await refer();
    assert.equal(denied.status, 403, denied.text);
    const consent = await a.server.request('POST', `/Patient/${patient}/$exchange-consent`, {
      token: a.doctor,
      body: { resourceType: 'Parameters', parameter: [{ name: 'organization', valueReference: { reference: `Organization/${a.partnerOrg}` } }, { name: 'decision', valueCode: 'permit' }] },
    });
    assert.equal(consent.status, 200, consent.text);
    const res = await refer();
    assert.equal(res.status, 200, res.text);
    assert.equal(param(res.json, 'delivered'), true, res.text);
    aTask = String(param(res.json, 'task')).split('/')[1]!;
    const id = ((await a.server.request('GET', `/Task/${aTask}`)).json as Task).identifier![0]!.value!;
    const found = await b.server.request('GET', `/Task?identifier=${encodeURIComponent(`urn:continuum:referral|${id}`)}`);
    assert.equal(found.json.entry.length, 1);
    bTask = found.json.entry[0].resource.id;
  });

  it("B's answers reach A through the real client: accepted, then completed with the report in A's inbox", async () => {
    const respond = (body: Parameters) => b.server.request('POST', `/Task/${bTask}/$referral-respond`, { token: b.doctor, body });
    const accepted = await respond({ resourceType: 'Parameters', parameter: [{ name: 'action', valueCode: 'accept' }] });
    assert.equal(accepted.status, 200, accepted.text);
    assert.equal(param(accepted.json, 'delivered'), true, accepted.text);
    assert.equal(((await a.server.request('GET', `/Task/${aTask}`)).json as Task).status, 'accepted');
    const done = await respond({ resourceType: 'Parameters', parameter: [{ name: 'action', valueCode: 'complete' }, { name: 'report', valueString: 'Benign flow murmur.' }] });
    assert.equal(done.status, 200, done.text);
    assert.equal(param(done.json, 'delivered'), true, done.text);
    const task = (await a.server.request('GET', `/Task/${aTask}`)).json as Task;
    assert.equal(task.status, 'completed');
    const report = (await a.server.request('GET', `/${task.output![0]!.valueReference!.reference!}`)).json;
    assert.equal(Buffer.from(report.content[0].attachment.data, 'base64').toString(), 'Benign flow murmur.');
  });

  it('delivers a message with an attachment to the partner', async () => {
    const res = await a.server.request('POST', '/Communication/$send-to-partner', {
      token: a.doctor,
      body: {
        resourceType: 'Parameters',
        parameter: [
          { name: 'partner', valueReference: { reference: `Organization/${a.partnerOrg}` } },
          { name: 'patient', valueReference: { reference: `Patient/${patient}` } },
          { name: 'topic', valueString: 'Thank you' },
          { name: 'text', valueString: 'Thanks for seeing her.' },
          { name: 'attachment', valueAttachment: { contentType: 'text/plain', data: Buffer.from('letter').toString('base64'), title: 'letter.txt' } },
        ],
      },
    });
    assert.equal(res.status, 201, res.text);
    assert.equal(param(res.json, 'delivered'), true, res.text);
    const id = String(param(res.json, 'identifier'));
    const atB = await b.server.request('GET', `/Communication?identifier=${encodeURIComponent(`urn:continuum:message|${id}`)}`);
    assert.equal(atB.json.entry.length, 1);
    const c = atB.json.entry[0].resource;
    assert.equal(c.payload[1].contentAttachment.title, 'letter.txt');
    const bPatient = ((await b.server.request('GET', `/Task/${bTask}`)).json as Task).for!.reference;
    assert.equal(c.subject.reference, bPatient, 'about the patient B holds from the referral');
  });
});
