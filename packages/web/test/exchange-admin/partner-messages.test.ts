/** Partner messages: received or sent, who the partner is, the compose checks and Parameters (pure). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Communication, Patient } from '@medplum/fhirtypes';
import type { PartnerRow } from '../../src/exchange/admin/partners-model.ts';
import { MESSAGE_ID_SYSTEM, partnerMessage, replyTopic, sendParameters, validateCompose } from '../../src/exchange/messages/partner-messages.ts';
import { EXTERNAL_SOURCE_EXT, EXTERNAL_TAG } from '../../src/exchange/referrals/codes.ts';

const partners: PartnerRow[] = [{ organizationId: 'o2', name: 'Riverside Cardiology', fhirBase: 'https://r.example/fhir', active: true, outboundClientId: 'a', inboundClientId: 'b', jwksUri: undefined }];
const patients = new Map<string, Patient>([['p1', { resourceType: 'Patient', id: 'p1', name: [{ given: ['Ann'], family: 'Lee' }] }]]);

const received: Communication = {
  resourceType: 'Communication',
  id: 'c1',
  status: 'completed',
  meta: { tag: [{ ...EXTERNAL_TAG }] },
  identifier: [{ system: MESSAGE_ID_SYSTEM, value: 'uuid-remote-1' }],
  sender: { display: 'Riverside Cardiology' },
  subject: { reference: 'Patient/p1' },
  topic: { text: 'Echo results' },
  sent: '2026-11-05T10:00:00Z',
  payload: [{ contentString: 'Echo attached.' }, { contentAttachment: { contentType: 'application/pdf', title: 'echo.pdf', data: 'JVBERi0=' } }],
};

describe('partner messages', () => {
  it('reads a received message: the partner by name, the patient, the files and the identifier to answer', () => {
    const m = partnerMessage(received, partners, patients);
    assert.equal(m.direction, 'received');
    assert.equal(m.partnerId, 'o2', 'found in the directory by name');
    assert.equal(m.patientName, 'Ann Lee');
    assert.equal(m.text, 'Echo attached.');
    assert.equal(m.attachments[0]!.title, 'echo.pdf');
    assert.equal(m.exchangeId, 'uuid-remote-1');
    const bySource = partnerMessage({ ...received, sender: undefined, extension: [{ url: EXTERNAL_SOURCE_EXT, valueReference: { reference: 'Organization/o2', display: 'Riverside' } }] }, partners, patients);
    assert.equal(bySource.partnerId, 'o2');
    assert.equal(bySource.partnerName, 'Riverside Cardiology');
  });

  it('reads a sent message: the partner is the Organization it went to', () => {
    const sent = partnerMessage({ resourceType: 'Communication', id: 'c2', status: 'completed', sender: { reference: 'Practitioner/dr1', display: 'Dr. Ada Park' }, recipient: [{ reference: 'Organization/o2' }], topic: { text: 'Question' } }, partners, patients);
    assert.equal(sent.direction, 'sent');
    assert.equal(sent.partnerId, 'o2');
    assert.equal(sent.partnerName, 'Riverside Cardiology');
    assert.equal(sent.author, 'Dr. Ada Park');
  });

  it('checks a message before it is sent', () => {
    const form = { partner: 'o2', topic: '', text: 'Hello', patientId: undefined, files: [], inResponseTo: undefined };
    assert.equal(validateCompose(form), undefined);
    assert.match(validateCompose({ ...form, partner: '' })!, /partner/);
    assert.match(validateCompose({ ...form, text: ' ' })!, /Write/);
    assert.match(validateCompose({ ...form, files: [{ name: 'x.exe', size: 10, type: 'application/x-msdownload' }] })!, /x\.exe/);
    assert.match(validateCompose({ ...form, files: [{ name: 'big.pdf', size: 6 * 1024 * 1024, type: 'application/pdf' }] })!, /5 MB/);
  });

  it('builds the $send-to-partner Parameters of a reply', () => {
    const att = { contentType: 'text/plain', data: 'aGk=', title: 'note.txt' };
    const params = sendParameters({ partner: 'o2', topic: replyTopic(replyTopic('Echo results')), text: ' Thanks ', patientId: 'p1', files: [], inResponseTo: 'uuid-remote-1' }, [att]);
    assert.deepEqual(params, [
      { name: 'partner', valueReference: { reference: 'Organization/o2' } },
      { name: 'patient', valueReference: { reference: 'Patient/p1' } },
      { name: 'topic', valueString: 'Re: Echo results' },
      { name: 'text', valueString: 'Thanks' },
      { name: 'attachment', valueAttachment: att },
      { name: 'inResponseTo', valueString: 'uuid-remote-1' },
    ]);
  });
});
