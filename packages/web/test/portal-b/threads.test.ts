/**
 * Portal messages as threads: replies join their first message by `partOf`, threads sort by
 * their latest message, unread counts only messages to me (or to the patient I act for) without
 * a read time, read receipts show on my own messages only, and attachments are checked for type
 * and the 5 MB limit.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Communication } from '@medplum/fhirtypes';
import { attachmentProblem, buildThreads, meOf, readReceipt } from '../../src/portal/b/messages/threads.ts';

const ME = meOf('RelatedPerson/mom', 'kid');
const DOC = { reference: 'Practitioner/doc' };
const msg = (id: string, sent: string, from: 'me' | 'doc', extra: Partial<Communication> = {}): Communication => ({
  resourceType: 'Communication',
  id,
  status: 'completed',
  sent,
  subject: { reference: 'Patient/kid' },
  sender: from === 'me' ? { reference: 'RelatedPerson/mom' } : DOC,
  recipient: from === 'me' ? [DOC] : [{ reference: 'Patient/kid' }],
  payload: [{ contentString: `text of ${id}` }],
  ...extra,
});
const reply = (root: string) => ({ partOf: [{ reference: `Communication/${root}` }] });

describe('threads', () => {
  const messages = [
    msg('t1', '2026-03-01T10:00:00Z', 'me', { topic: { text: 'Rash' } }),
    msg('t1-r1', '2026-03-01T12:00:00Z', 'doc', { ...reply('t1'), received: '2026-03-01T13:00:00Z' }),
    msg('t2', '2026-03-02T09:00:00Z', 'doc', { topic: { text: 'Lab results' } }),
    msg('t1-r2', '2026-03-03T08:00:00Z', 'doc', reply('t1')),
    msg('t1-r3', '2026-03-03T09:00:00Z', 'me', reply('t1')),
  ];

  it('groups replies under their first message, the most recently active thread first', () => {
    const threads = buildThreads(messages, ME);
    assert.deepEqual(threads.map((t) => [t.id, t.topic, t.messages.map((m) => m.id)]), [
      ['t1', 'Rash', ['t1', 't1-r1', 't1-r2', 't1-r3']],
      ['t2', 'Lab results', ['t2']],
    ]);
  });

  it('counts as unread only messages to me that were not opened', () => {
    const [rash, labs] = buildThreads(messages, ME);
    // t1-r1 was read; t1-r2 was not; my own t1-r3 never counts.
    assert.equal(rash?.unread, 1);
    assert.equal(labs?.unread, 1);
  });
});

describe('read receipts', () => {
  const now = new Date('2026-03-03T18:00:00Z');
  it('shows the time my message was read, with the day when not today', () => {
    assert.equal(readReceipt(msg('a', '2026-03-03T09:00:00Z', 'me', { received: '2026-03-03T10:42:00Z' }), ME, now, 'UTC'), 'Read 10:42');
    assert.equal(readReceipt(msg('b', '2026-03-01T09:00:00Z', 'me', { received: '2026-03-01T16:05:00Z' }), ME, now, 'UTC'), 'Read Mar 1, 16:05');
  });

  it('shows nothing for unread messages or messages to me', () => {
    assert.equal(readReceipt(msg('c', '2026-03-03T09:00:00Z', 'me'), ME, now, 'UTC'), undefined);
    assert.equal(readReceipt(msg('d', '2026-03-03T09:00:00Z', 'doc', { received: '2026-03-03T10:00:00Z' }), ME, now, 'UTC'), undefined);
  });
});

describe('attachments', () => {
  it('accepts PDF, PNG, JPEG and text up to 5 MB', () => {
    assert.equal(attachmentProblem({ name: 'scan.pdf', type: 'application/pdf', size: 5 * 1024 * 1024 }), undefined);
    assert.equal(attachmentProblem({ name: 'photo.jpg', type: 'image/jpeg', size: 1000 }), undefined);
    assert.equal(attachmentProblem({ name: 'big.png', type: 'image/png', size: 5 * 1024 * 1024 + 1 }), 'big.png is larger than 5 MB.');
    assert.match(attachmentProblem({ name: 'run.exe', type: 'application/x-msdownload', size: 10 }) ?? '', /only PDF, PNG, JPEG and text/);
  });
});
