/**
 * The lock on signed notes over real HTTP: a draft Composition changes and goes freely; once
 * signed (status final) every way of changing it — PUT, JSON Patch, conditional PUT, DELETE,
 * conditional DELETE, and each of those inside a transaction Bundle — is refused with a 422
 * OperationOutcome and nothing is written. Marking it entered-in-error (and nothing else) passes;
 * an addendum is a new Composition pointing at it. Runs on PGlite, and on PostgreSQL with
 * CONTINUUM_TEST_BACKEND=postgres.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startTestServer, type TestResponse, type TestServer } from '../fixtures/server.ts';

let s: TestServer;
before(async () => {
  s = await startTestServer();
});
after(async () => {
  await s.close();
});

const SIGNED_TEXT = '<div xmlns="http://www.w3.org/1999/xhtml"><p>Cough for three days, no fever.</p></div>';

function note(system: string, status: string, extra: Record<string, unknown> = {}) {
  return {
    resourceType: 'Composition',
    identifier: { system, value: 'note' },
    status,
    type: { coding: [{ system: 'http://loinc.org', code: '11506-3', display: 'Progress note' }] },
    subject: { reference: 'Patient/lock-test' },
    date: '2026-11-26T10:00:00Z',
    author: [{ reference: 'Practitioner/lock-author' }],
    title: 'Progress note',
    section: [{ title: 'Subjective', code: { coding: [{ system: 'http://loinc.org', code: '61150-9' }] }, text: { status: 'generated', div: SIGNED_TEXT } }],
    ...extra,
  };
}

const signing = { attester: [{ mode: 'legal', time: '2026-11-26T10:05:00Z', party: { reference: 'Practitioner/lock-author' } }] };

/** A signed note, written as a draft and then signed, as the app does. */
async function signedNote(): Promise<{ id: string; system: string; body: Record<string, unknown> }> {
  const system = `urn:test:notes:${randomUUID()}`;
  const draft = await s.request('POST', '/Composition', { body: note(system, 'preliminary') });
  assert.equal(draft.status, 201);
  const edited = await s.request('PUT', `/Composition/${draft.json.id}`, { body: { ...draft.json, title: 'Progress note (edited draft)' }, headers: { 'if-match': 'W/"1"' } });
  assert.equal(edited.status, 200, 'a draft can be edited');
  const signed = await s.request('PUT', `/Composition/${draft.json.id}`, { body: { ...edited.json, status: 'final', ...signing }, headers: { 'if-match': 'W/"2"' } });
  assert.equal(signed.status, 200, 'a draft can be signed');
  return { id: draft.json.id, system, body: signed.json };
}

function assertRefused(res: TestResponse, what: string): void {
  assert.equal(res.status, 422, `${what}: ${res.status} ${res.text}`);
  assert.equal(res.json.resourceType, 'OperationOutcome');
  assert.equal(res.json.issue[0].code, 'business-rule');
  assert.match(res.json.issue[0].diagnostics, /signed/);
}

async function assertUnchanged(id: string, version: string): Promise<void> {
  const now = await s.request('GET', `/Composition/${id}`);
  assert.equal(now.status, 200);
  assert.equal(now.json.meta.versionId, version, 'no new version was written');
  assert.equal(now.json.status, 'final');
  assert.equal(now.json.section[0].text.div, SIGNED_TEXT, 'the signed text is as signed');
  assert.equal(now.json.title, 'Progress note (edited draft)');
}

const tx = (entry: unknown[]) => ({ resourceType: 'Bundle', type: 'transaction', entry });

describe('signed notes are locked', () => {
  it('lets a draft be deleted', async () => {
    const draft = await s.request('POST', '/Composition', { body: note(`urn:test:notes:${randomUUID()}`, 'preliminary') });
    assert.equal((await s.request('DELETE', `/Composition/${draft.json.id}`)).status, 204);
  });

  it('refuses every direct change and the deletion of a signed note', async () => {
    const { id, system, body } = await signedNote();
    const changed = { ...body, section: [{ title: 'Subjective', text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml"><p>Rewritten</p></div>' } }] };
    assertRefused(await s.request('PUT', `/Composition/${id}`, { body: changed }), 'PUT');
    assertRefused(await s.request('PUT', `/Composition/${id}`, { body: changed, headers: { 'if-match': 'W/"3"' } }), 'PUT with If-Match');
    assertRefused(await s.request('PUT', `/Composition/${id}`, { body: { ...body, status: 'preliminary' } }), 'back to draft');
    assertRefused(
      await s.request('PATCH', `/Composition/${id}`, { raw: JSON.stringify([{ op: 'replace', path: '/title', value: 'Changed' }]), headers: { 'content-type': 'application/json-patch+json' } }),
      'JSON Patch',
    );
    assertRefused(await s.request('PUT', `/Composition?identifier=${encodeURIComponent(`${system}|note`)}`, { body: { ...changed, id: undefined } }), 'conditional PUT');
    assertRefused(await s.request('DELETE', `/Composition/${id}`), 'DELETE');
    assertRefused(await s.request('DELETE', `/Composition?identifier=${encodeURIComponent(`${system}|note`)}`), 'conditional DELETE');
    await assertUnchanged(id, '3');
  });

  it('refuses the same changes inside a transaction, and writes none of the bundle', async () => {
    const { id, body } = await signedNote();
    const sys = `urn:test:notes:${randomUUID()}`;
    const bystander = { resource: { resourceType: 'Patient', identifier: [{ system: sys, value: 'tx' }] }, request: { method: 'POST', url: 'Patient' } };
    const attempts: [string, unknown][] = [
      ['PUT', { resource: { ...body, title: 'Changed in a transaction' }, request: { method: 'PUT', url: `Composition/${id}` } }],
      ['PATCH', { resource: { resourceType: 'Binary', contentType: 'application/json-patch+json', data: Buffer.from(JSON.stringify([{ op: 'replace', path: '/title', value: 'x' }])).toString('base64') }, request: { method: 'PATCH', url: `Composition/${id}` } }],
      ['DELETE', { request: { method: 'DELETE', url: `Composition/${id}` } }],
    ];
    for (const [what, entry] of attempts) {
      const res = await s.request('POST', '', { body: tx([bystander, entry]) });
      assert.equal(res.status, 422, `transaction ${what}: ${res.status} ${res.text}`);
      assert.equal(res.json.resourceType, 'OperationOutcome');
      assert.match(res.json.issue[0].diagnostics, new RegExp(`Composition/${id}.*signed`));
    }
    const created = await s.request('GET', `/Patient?identifier=${encodeURIComponent(`${sys}|tx`)}`);
    assert.equal(created.json.entry?.length ?? 0, 0, 'all or nothing: the other entry was not written');
    await assertUnchanged(id, '3');
  });

  it('accepts an unchanged save, entered-in-error alone, and addenda as new Compositions', async () => {
    const { id, system, body } = await signedNote();
    // Saving exactly what is stored (key order and meta aside) is no change.
    const { meta: _m, ...same } = body;
    const again = await s.request('PUT', `/Composition/${id}`, { body: Object.fromEntries(Object.entries(same).reverse()) });
    assert.equal(again.status, 200, again.text);

    const addendum = await s.request('POST', '/Composition', {
      body: note(system, 'final', { identifier: { system, value: 'addendum' }, title: 'Addendum', relatesTo: [{ code: 'appends', targetReference: { reference: `Composition/${id}` } }], ...signing }),
    });
    assert.equal(addendum.status, 201);
    const linked = await s.request('GET', `/Composition?related-ref=Composition/${id}`);
    assert.deepEqual(linked.json.entry.map((e: { resource: { id: string } }) => e.resource.id), [addendum.json.id], 'the addendum is found by the note it appends to');

    // Entered-in-error with another change is refused; alone it passes, and then nothing more does.
    const current = (await s.request('GET', `/Composition/${id}`)).json;
    assertRefused(await s.request('PUT', `/Composition/${id}`, { body: { ...current, status: 'entered-in-error', title: 'Oops' } }), 'entered-in-error with an edit');
    const voided = await s.request('PUT', `/Composition/${id}`, { body: { ...current, status: 'entered-in-error' } });
    assert.equal(voided.status, 200, voided.text);
    const after = await s.request('PUT', `/Composition/${id}`, { body: { ...voided.json, status: 'final' } });
    assert.equal(after.status, 422);
    assert.match(after.json.issue[0].diagnostics, /entered-in-error/);
    const history = await s.request('GET', `/Composition/${id}/_history`);
    assert.equal(history.json.entry[0].resource.status, 'entered-in-error');
    assert.ok(history.json.entry.some((e: { resource: { status: string; section: { text: { div: string } }[] } }) => e.resource.status === 'final' && e.resource.section[0]!.text.div === SIGNED_TEXT), 'the signed version is in the history');
  });
});
