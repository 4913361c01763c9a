/**
 * Portal scheduling over real HTTP: `$book`, `$cancel`, `$reschedule` and `$booking-policy` with
 * their rules (slot taken, past, beyond the horizon, too soon, the cancel cut-off), who may call
 * them (401 without a token, 403 for a role or scope that may not book, 404 for another patient's
 * appointment or patient), reschedule's atomicity, the end of direct appointment writes by
 * patients, and ten parallel bookings of one slot, of which exactly one wins.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Appointment, Bundle, Slot } from '@medplum/fhirtypes';
import { startTestServer, type TestServer } from '../fixtures/server.ts';
import { buildSchedulingClinic, DAY, HOUR, makeSlot, params, ref, type SchedulingClinic } from './scheduling-fixture.ts';

let server: TestServer;
let c: SchedulingClinic;

before(async () => {
  server = await startTestServer();
  c = await buildSchedulingClinic(server);
});
after(async () => server?.close());

const book = (token: string, slot: string, patient: string, extra: Parameters<typeof params>[0] = {}) =>
  server.request('POST', '/Appointment/$book', { token, body: params({ slot: ref(`Slot/${slot}`), patient: ref(`Patient/${patient}`), ...extra }) });
const slotStatus = async (id: string): Promise<Slot['status']> => ((await server.request('GET', `/Slot/${id}`)).json as Slot).status;
const message = (res: { json: { issue?: { diagnostics?: string }[] } }): string => res.json.issue?.[0]?.diagnostics ?? '';

describe('$booking-policy', () => {
  it('states the defaults as Parameters', async () => {
    const res = await server.request('GET', '/Appointment/$booking-policy', { token: c.tokens.patient });
    assert.equal(res.status, 200);
    const values = Object.fromEntries((res.json.parameter as { name: string; valueInteger: number }[]).map((p) => [p.name, p.valueInteger]));
    assert.deepEqual(values, { cancelHours: 24, bookAheadDays: 60, minNoticeHours: 2 });
  });
});

describe('finding bookable time', () => {
  it("shows patients and proxies the clinic's schedules and their slots, but not a schedule naming another patient", async () => {
    const slot = await makeSlot(server, c, 3 * DAY);
    const theirs = (await server.request('POST', '/Schedule', { body: { resourceType: 'Schedule', active: true, actor: [{ reference: `Patient/${c.patientB}` }] } })).json as { id: string };
    for (const token of [c.tokens.readOnlyApp, c.tokens.patient, c.tokens.proxy]) {
      const found = (await server.request('GET', '/Schedule?active=true&_include=Schedule:actor', { token })).json as Bundle;
      const ids = (found.entry ?? []).map((e) => `${e.resource?.resourceType}/${e.resource?.id}`);
      assert.ok(ids.includes(`Schedule/${c.schedule}`), `the clinic's schedule: ${ids.join()}`);
      assert.ok(ids.includes(`Practitioner/${c.practitioner}`), 'with its practitioner');
      if (token !== c.tokens.proxy) assert.ok(!ids.includes(`Schedule/${theirs.id}`), "not another patient's");
      assert.equal((await server.request('GET', `/Schedule/${c.schedule}`, { token })).status, 200);
      const slots = (await server.request('GET', `/Slot?schedule=Schedule/${c.schedule}&status=free`, { token })).json as Bundle;
      assert.ok((slots.entry ?? []).some((e) => e.resource?.id === slot), 'and its free slots');
    }
    assert.equal((await server.request('GET', `/Schedule/${theirs.id}`, { token: c.tokens.patient })).status, 404);
    const own = (await server.request('GET', '/Schedule?active=true', { token: c.tokens.proxy })).json as Bundle;
    assert.ok((own.entry ?? []).some((e) => e.resource?.id === theirs.id), 'the proxy acts for that patient, and sees it');
  });
});

describe('who may call the operations', () => {
  it('refuses every operation without a token (401)', async () => {
    const slot = await makeSlot(server, c, 3 * DAY);
    const anonymous = { anonymous: true, body: params({ slot: ref(`Slot/${slot}`) }) };
    for (const [method, path] of [['POST', '/Appointment/$book'], ['GET', '/Appointment/$booking-policy'], ['POST', '/Appointment/x1/$cancel'], ['POST', '/Appointment/x1/$reschedule']] as const) {
      assert.equal((await server.request(method, path, method === 'GET' ? { anonymous: true } : anonymous)).status, 401, path);
    }
  });

  it('refuses a role without appointments, and an app whose scope only reads (403)', async () => {
    const slot = await makeSlot(server, c, 3 * DAY);
    assert.equal((await book(c.tokens.biller, slot, c.patientA)).status, 403);
    const readOnly = await book(c.tokens.readOnlyApp, slot, c.patientA);
    assert.equal(readOnly.status, 403, readOnly.text);
    assert.equal(await slotStatus(slot), 'free');
  });

  it("answers 404 for another patient, and for another patient's appointment", async () => {
    const slot = await makeSlot(server, c, 3 * DAY);
    assert.equal((await book(c.tokens.patient, slot, c.patientB)).status, 404);
    assert.equal((await book(c.tokens.patient, slot, 'no-such-patient')).status, 404);
    assert.equal(await slotStatus(slot), 'free');
    const theirs = await book(c.tokens.physician, slot, c.patientB);
    assert.equal(theirs.status, 201, theirs.text);
    const id = String(theirs.json.id);
    const other = await makeSlot(server, c, 4 * DAY);
    assert.equal((await server.request('POST', `/Appointment/${id}/$cancel`, { token: c.tokens.patient, body: params({}) })).status, 404);
    assert.equal((await server.request('POST', `/Appointment/${id}/$reschedule`, { token: c.tokens.patient, body: params({ slot: ref(`Slot/${other}`) }) })).status, 404);
    assert.equal((await server.request('GET', `/Appointment/${id}`)).json.status, 'booked');
  });

  it("lets a proxy book and cancel for the patient they act for, and nobody else's", async () => {
    const slot = await makeSlot(server, c, 3 * DAY);
    assert.equal((await book(c.tokens.proxy, slot, c.patientA)).status, 404);
    const res = await book(c.tokens.proxy, slot, c.patientB);
    assert.equal(res.status, 201, res.text);
    const id = String(res.json.id);
    assert.equal((await server.request('POST', `/Appointment/${id}/$cancel`, { token: c.tokens.patient, body: params({}) })).status, 404);
    const cancelled = await server.request('POST', `/Appointment/${id}/$cancel`, { token: c.tokens.proxy, body: params({}) });
    assert.equal(cancelled.status, 200, cancelled.text);
    assert.equal(await slotStatus(slot), 'free');
  });

  it('no longer lets a patient write appointments or slots directly (403), while staff still may', async () => {
    const slot = await makeSlot(server, c, 3 * DAY);
    const start = new Date(Date.now() + 3 * DAY);
    const appointment = { resourceType: 'Appointment', status: 'booked', start: start.toISOString(), end: new Date(start.getTime() + 20 * 60_000).toISOString(), participant: [{ actor: { reference: `Patient/${c.patientA}` }, status: 'accepted' }] };
    assert.equal((await server.request('POST', '/Appointment', { token: c.tokens.patient, body: appointment })).status, 403);
    const stored = (await server.request('GET', `/Slot/${slot}`)).json as Slot;
    assert.equal((await server.request('PUT', `/Slot/${slot}`, { token: c.tokens.patient, body: { ...stored, status: 'busy' } })).status, 403);
    assert.equal(await slotStatus(slot), 'free');
    const booked = await book(c.tokens.patient, slot, c.patientA);
    assert.equal(booked.status, 201);
    assert.equal((await server.request('PUT', `/Appointment/${booked.json.id}`, { token: c.tokens.patient, body: { ...booked.json, status: 'cancelled' } })).status, 403);
    assert.equal((await server.request('POST', '/Appointment', { token: c.tokens.physician, body: appointment })).status, 201);
  });
});

describe('$book', () => {
  it('books a free slot: the appointment is stored and the slot turns busy', async () => {
    const slot = await makeSlot(server, c, 5 * DAY);
    const stored = (await server.request('GET', `/Slot/${slot}`)).json as Slot;
    const res = await book(c.tokens.patient, slot, c.patientA, { appointmentType: { valueCoding: { system: 'urn:continuum:appointment-type', code: 'sick-visit' } }, reason: { valueString: 'Sore throat' } });
    assert.equal(res.status, 201, res.text);
    assert.match(res.headers.get('location') ?? '', new RegExp(`/Appointment/${String(res.json.id)}/_history/1$`));
    const a = res.json as Appointment;
    assert.equal(a.status, 'booked');
    assert.deepEqual(a.slot, [{ reference: `Slot/${slot}` }]);
    assert.equal(a.start, stored.start);
    assert.equal(a.end, stored.end);
    assert.equal(a.appointmentType?.coding?.[0]?.code, 'sick-visit');
    assert.equal(a.reasonCode?.[0]?.text, 'Sore throat');
    assert.ok(a.created);
    assert.deepEqual(
      a.participant.map((p) => [p.actor?.reference, p.status]),
      [[`Patient/${c.patientA}`, 'accepted'], [`Practitioner/${c.practitioner}`, 'accepted'], [`Location/${c.location}`, 'accepted']],
    );
    assert.equal(await slotStatus(slot), 'busy');
    const again = await book(c.tokens.patient, slot, c.patientA);
    assert.equal(again.status, 409);
    assert.match(message(again), /That time was just taken/);
  });

  it("defaults to the schedule's first appointment type, and refuses one it does not offer (422)", async () => {
    const slot = await makeSlot(server, c, 5 * DAY);
    const wrong = await book(c.tokens.patient, slot, c.patientA, { appointmentType: { valueCoding: { system: 'urn:continuum:appointment-type', code: 'surgery' } } });
    assert.equal(wrong.status, 422);
    assert.equal(await slotStatus(slot), 'free');
    const res = await book(c.tokens.patient, slot, c.patientA);
    assert.equal(res.status, 201);
    assert.equal((res.json as Appointment).appointmentType?.coding?.[0]?.code, 'follow-up');
  });

  it('refuses a slot in the past, beyond the horizon, and (for a patient) too soon (422)', async () => {
    const past = await makeSlot(server, c, -2 * HOUR);
    const far = await makeSlot(server, c, 61 * DAY);
    const soon = await makeSlot(server, c, HOUR);
    for (const [slot, text] of [[past, /in the past/], [far, /60 days ahead/], [soon, /2 hours' notice/]] as const) {
      const res = await book(c.tokens.patient, slot, c.patientA);
      assert.equal(res.status, 422, res.text);
      assert.match(message(res), text);
      assert.equal(await slotStatus(slot), 'free');
    }
    assert.equal((await book(c.tokens.physician, past, c.patientA)).status, 422, 'nobody books the past');
    assert.equal((await book(c.tokens.physician, soon, c.patientA)).status, 201, 'the clinic books at short notice');
  });

  it('answers bad input with a 400 and an unknown slot with a 404', async () => {
    const slot = await makeSlot(server, c, 5 * DAY);
    const cases = [
      params({ patient: ref(`Patient/${c.patientA}`) }),
      params({ slot: ref(`Patient/${c.patientA}`), patient: ref(`Patient/${c.patientA}`) }),
      params({ slot: ref(`Slot/${slot}`), patient: ref(`Patient/${c.patientA}`), color: { valueString: 'blue' } }),
      params({ slot: ref(`Slot/${slot}`), patient: ref(`Patient/${c.patientA}`), appointmentType: { valueString: 'follow-up' } }),
      { resourceType: 'Patient' },
    ];
    for (const body of cases) assert.equal((await server.request('POST', '/Appointment/$book', { token: c.tokens.patient, body })).status, 400, JSON.stringify(body));
    assert.equal((await book(c.tokens.patient, 'no-such-slot', c.patientA)).status, 404);
    assert.equal(await slotStatus(slot), 'free');
  });

  it('refuses a slot of an inactive or unknown schedule (422)', async () => {
    const closed = await server.request('POST', '/Schedule', { body: { resourceType: 'Schedule', active: false, actor: [{ reference: `Practitioner/${c.practitioner}` }] } });
    assert.equal(closed.status, 201);
    const start = new Date(Date.now() + 5 * DAY);
    const end = new Date(start.getTime() + 20 * 60_000);
    for (const [schedule, says] of [[`Schedule/${String(closed.json.id)}`, /not taking appointments/], ['Schedule/no-such-schedule', /is not known/]] as const) {
      const slot = await server.request('POST', '/Slot', { body: { resourceType: 'Slot', schedule: { reference: schedule }, status: 'free', start: start.toISOString(), end: end.toISOString() } });
      assert.equal(slot.status, 201, slot.text);
      const res = await book(c.tokens.patient, String(slot.json.id), c.patientA);
      assert.equal(res.status, 422, res.text);
      assert.match(message(res), says);
    }
  });

  it('lets exactly one of ten parallel bookings of one slot through', async () => {
    const slot = await makeSlot(server, c, 6 * DAY);
    const results = await Promise.all(Array.from({ length: 10 }, () => book(c.tokens.patient, slot, c.patientA)));
    const statuses = results.map((r) => r.status).sort();
    assert.deepEqual(statuses, [201, 409, 409, 409, 409, 409, 409, 409, 409, 409], results.map((r) => r.text.slice(0, 200)).join('\n'));
    const found = (await server.request('GET', `/Appointment?slot=Slot/${slot}`)).json as Bundle;
    assert.equal(found.entry?.length, 1);
    assert.equal(await slotStatus(slot), 'busy');
  });
});

describe('$cancel', () => {
  it('cancels with the reason and frees the slot', async () => {
    const slot = await makeSlot(server, c, 3 * DAY);
    const id = String((await book(c.tokens.patient, slot, c.patientA)).json.id);
    const res = await server.request('POST', `/Appointment/${id}/$cancel`, { token: c.tokens.patient, body: params({ reason: { valueString: 'Feeling better' } }) });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.status, 'cancelled');
    assert.equal(res.json.cancelationReason.text, 'Feeling better');
    assert.equal(await slotStatus(slot), 'free');
    const twice = await server.request('POST', `/Appointment/${id}/$cancel`, { token: c.tokens.patient, body: params({}) });
    assert.equal(twice.status, 422);
  });

  it('applies one of five parallel cancels; the others find it changed (409) or cancelled (422)', async () => {
    const slot = await makeSlot(server, c, 3 * DAY);
    const id = String((await book(c.tokens.patient, slot, c.patientA)).json.id);
    const results = await Promise.all(Array.from({ length: 5 }, () => server.request('POST', `/Appointment/${id}/$cancel`, { token: c.tokens.patient, body: params({}) })));
    assert.equal(results.filter((r) => r.status === 200).length, 1, results.map((r) => r.status).join());
    assert.ok(results.every((r) => [200, 409, 422].includes(r.status)), results.map((r) => r.status).join());
    assert.equal(await slotStatus(slot), 'free');
    const history = (await server.request('GET', `/Appointment/${id}/_history`)).json as Bundle;
    assert.equal(history.entry?.length, 2, 'booked, then cancelled once');
  });

  it('refuses a patient inside the cut-off (stating the policy) and a past appointment; staff may', async () => {
    const slot = await makeSlot(server, c, 10 * HOUR);
    const id = String((await book(c.tokens.physician, slot, c.patientA)).json.id);
    const late = await server.request('POST', `/Appointment/${id}/$cancel`, { token: c.tokens.patient, body: params({}) });
    assert.equal(late.status, 422);
    assert.match(message(late), /24 hours before.*call the clinic/);
    assert.equal(await slotStatus(slot), 'busy');
    const byStaff = await server.request('POST', `/Appointment/${id}/$cancel`, { token: c.tokens.physician, body: params({ reason: { valueString: 'Clinic closed' } }) });
    assert.equal(byStaff.status, 200);
    assert.equal(await slotStatus(slot), 'free');

    const past = (await server.request('POST', '/Appointment', {
      body: { resourceType: 'Appointment', status: 'booked', start: new Date(Date.now() - DAY).toISOString(), end: new Date(Date.now() - DAY + 20 * 60_000).toISOString(), participant: [{ actor: { reference: `Patient/${c.patientA}` }, status: 'accepted' }] },
    })).json as Appointment;
    const res = await server.request('POST', `/Appointment/${past.id!}/$cancel`, { token: c.tokens.patient, body: params({}) });
    assert.equal(res.status, 422);
    assert.match(message(res), /already taken place/);
  });
});

describe('$reschedule', () => {
  it('books the new slot and cancels the old appointment in one go', async () => {
    const first = await makeSlot(server, c, 3 * DAY);
    const second = await makeSlot(server, c, 4 * DAY);
    const old = (await book(c.tokens.patient, first, c.patientA, { reason: { valueString: 'Knee pain' } })).json as Appointment;
    const res = await server.request('POST', `/Appointment/${old.id!}/$reschedule`, { token: c.tokens.patient, body: params({ slot: ref(`Slot/${second}`) }) });
    assert.equal(res.status, 201, res.text);
    const moved = res.json as Appointment;
    assert.notEqual(moved.id, old.id);
    assert.deepEqual(moved.slot, [{ reference: `Slot/${second}` }]);
    assert.equal(moved.reasonCode?.[0]?.text, 'Knee pain');
    const before = (await server.request('GET', `/Appointment/${old.id!}`)).json as Appointment;
    assert.equal(before.status, 'cancelled');
    assert.equal(before.cancelationReason?.text, 'Rescheduled');
    assert.equal(await slotStatus(first), 'free');
    assert.equal(await slotStatus(second), 'busy');
  });

  it('changes nothing when the new slot is taken (409) or too soon (422), or the old one is inside the cut-off', async () => {
    const first = await makeSlot(server, c, 3 * DAY);
    const taken = await makeSlot(server, c, 4 * DAY, 'busy');
    const soon = await makeSlot(server, c, HOUR);
    const old = (await book(c.tokens.patient, first, c.patientA)).json as Appointment;
    const conflict = await server.request('POST', `/Appointment/${old.id!}/$reschedule`, { token: c.tokens.patient, body: params({ slot: ref(`Slot/${taken}`) }) });
    assert.equal(conflict.status, 409);
    const early = await server.request('POST', `/Appointment/${old.id!}/$reschedule`, { token: c.tokens.patient, body: params({ slot: ref(`Slot/${soon}`) }) });
    assert.equal(early.status, 422);
    assert.equal((await server.request('GET', `/Appointment/${old.id!}`)).json.status, 'booked');
    assert.equal(await slotStatus(first), 'busy');
    assert.equal(await slotStatus(soon), 'free');

    const close = await makeSlot(server, c, 5 * HOUR);
    const later = await makeSlot(server, c, 5 * DAY);
    const near = (await book(c.tokens.physician, close, c.patientA)).json as Appointment;
    const res = await server.request('POST', `/Appointment/${near.id!}/$reschedule`, { token: c.tokens.patient, body: params({ slot: ref(`Slot/${later}`) }) });
    assert.equal(res.status, 422);
    assert.equal(await slotStatus(later), 'free');
    assert.equal(await slotStatus(close), 'busy');
  });
});
