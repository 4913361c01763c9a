/**
 * The portal's isolation sweep: EVERY route in `portalRoutes()` (whatever part added it) is called
 * with patient A's portal token naming patient B's things, and must answer 403 or 404 and write
 * nothing (no table changes, no mail).
 * - `[Type, ':id', '$op']`: a resource of that type in B's compartment, made with the system
 *   client (COMPARTMENT_RESOURCES), for every method the route has.
 * - `[Type, '$op']`: a Parameters body whose references point at B's things (TYPE_OPERATIONS).
 * A route of another shape, a type with no template, or a type-level operation with no entry
 * fails the sweep: a new route cannot slip by unexamined.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Resource } from '@medplum/fhirtypes';
import { portalRoutes } from '../../src/portal/routes.ts';
import { startTestServer, type TestServer } from '../fixtures/server.ts';
import { buildClinic, create, PASSWORD, type Clinic } from '../auth/fixtures.ts';
import { emlFiles } from '../auth/mail-peer.ts';
import { portalSignIn } from './portal-login.ts';

const ref = (type: string, id: string) => ({ reference: `${type}/${id}` });
const soon = (hours: number): string => new Date(Date.now() + hours * 3_600_000).toISOString();

/** Patient B's things, made once with the system client. */
interface Victim {
  patient: string;
  practitioner: string;
  slot: string;
  /** A caregiver B granted access (a RelatedPerson of B). */
  relatedPerson: string;
}

/** How to make a resource of each type in patient B's compartment. */
const COMPARTMENT_RESOURCES: Record<string, (v: Victim) => Resource | 'patient'> = {
  Patient: () => 'patient',
  Appointment: (v) => ({ resourceType: 'Appointment', status: 'booked', start: soon(72), end: soon(72.34), participant: [{ actor: ref('Patient', v.patient), status: 'accepted' }, { actor: ref('Practitioner', v.practitioner), status: 'accepted' }] }),
  Communication: (v) => ({ resourceType: 'Communication', status: 'completed', subject: ref('Patient', v.patient), category: [{ coding: [{ system: 'urn:continuum:communication-category', code: 'portal-message' }] }], sender: ref('Patient', v.patient), recipient: [ref('Practitioner', v.practitioner)], sent: new Date().toISOString(), payload: [{ contentString: 'Synthetic message' }] }),
  MedicationRequest: (v) => ({ resourceType: 'MedicationRequest', status: 'active', intent: 'order', subject: ref('Patient', v.patient), requester: ref('Practitioner', v.practitioner), medicationCodeableConcept: { text: 'Amoxicillin 500 mg capsule' } }),
  Task: (v) => ({ resourceType: 'Task', status: 'requested', intent: 'order', for: ref('Patient', v.patient), code: { coding: [{ system: 'urn:continuum:task-code', code: 'amendment-request' }] }, authoredOn: new Date().toISOString() }),
  Invoice: (v) => ({ resourceType: 'Invoice', status: 'issued', subject: ref('Patient', v.patient), date: new Date().toISOString(), totalGross: { value: 40, currency: 'USD' } }),
  Account: (v) => ({ resourceType: 'Account', status: 'active', subject: [ref('Patient', v.patient)] }),
  QuestionnaireResponse: (v) => ({ resourceType: 'QuestionnaireResponse', status: 'completed', subject: ref('Patient', v.patient), item: [{ linkId: 'reason', answer: [{ valueString: 'Synthetic' }] }] }),
  DocumentReference: (v) => ({ resourceType: 'DocumentReference', status: 'current', subject: ref('Patient', v.patient), content: [{ attachment: { contentType: 'text/plain', data: Buffer.from('Synthetic note').toString('base64') } }] }),
};

/** Type-level operations: the request naming B's things, or why the operation holds no patient's data. */
type TypeOperation = { method: string; body: (v: Victim) => unknown } | { noPatientData: string };
const TYPE_OPERATIONS: Record<string, TypeOperation> = {
  'Appointment/$book': { method: 'POST', body: (v) => ({ resourceType: 'Parameters', parameter: [{ name: 'slot', valueReference: ref('Slot', v.slot) }, { name: 'patient', valueReference: ref('Patient', v.patient) }, { name: 'reason', valueString: 'Synthetic' }] }) },
  'Appointment/$booking-policy': { noPatientData: "the clinic's booking rules" },
};

/** Instance operations' bodies (otherwise an empty Parameters): what a real call would send. */
const INSTANCE_BODIES: Record<string, (v: Victim) => unknown> = {
  $message: (v) => ({ resourceType: 'Parameters', parameter: [{ name: 'text', valueString: 'Synthetic' }, { name: 'topic', valueString: 'Synthetic' }, { name: 'recipient', valueReference: ref('Practitioner', v.practitioner) }] }),
  '$request-refill': () => ({ resourceType: 'Parameters', parameter: [{ name: 'note', valueString: 'Synthetic' }] }),
  '$request-amendment': () => ({ resourceType: 'Parameters', parameter: [{ name: 'text', valueString: 'Synthetic' }] }),
  $cancel: () => ({ resourceType: 'Parameters', parameter: [{ name: 'reason', valueString: 'Synthetic' }] }),
  $reschedule: (v) => ({ resourceType: 'Parameters', parameter: [{ name: 'slot', valueReference: ref('Slot', v.slot) }] }),
  $share: () => ({ resourceType: 'Parameters', parameter: [{ name: 'format', valueCode: 'fhir' }] }),
  '$portal-invite': () => ({ resourceType: 'Parameters', parameter: [{ name: 'email', valueString: 'someone@example.org' }] }),
  '$grant-proxy': () => ({ resourceType: 'Parameters', parameter: [{ name: 'name', valueString: 'Synthetic Caregiver' }, { name: 'email', valueString: 'someone@example.org' }, { name: 'relationship', valueCode: 'FRND' }] }),
  '$revoke-proxy': (v) => ({ resourceType: 'Parameters', parameter: [{ name: 'relatedPerson', valueReference: ref('RelatedPerson', v.relatedPerson) }] }),
};

/** Tables an A→B request must leave alone: all but the audit trail and the OAuth state (sign-ins, tokens). */
const IGNORED_TABLES = new Set(['audit_entry', 'audit_batch', 'audit_head', 'oauth_entry']);

describe('portal isolation sweep: every portal route, patient A naming patient B', () => {
  let server: TestServer;
  let clinic: Clinic;
  let tokenA: string;
  let victim: Victim;
  const mailDir = mkdtempSync(join(tmpdir(), 'continuum-isolation-'));

  /** A digest of every table's content (search index tables follow the resources). */
  async function snapshot(): Promise<Map<string, string>> {
    const db = server.database.db;
    const { rows } = await db.query<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`);
    const out = new Map<string, string>();
    for (const { table_name: t } of rows) {
      if (IGNORED_TABLES.has(t) || t.startsWith('sp_')) continue;
      const digest = await db.query<{ d: string | null; n: string }>(`SELECT md5(string_agg(x::text, '|' ORDER BY x::text)) AS d, count(*)::text AS n FROM "${t}" x`);
      out.set(t, `${digest.rows[0]!.n}:${digest.rows[0]!.d ?? ''}`);
    }
    return out;
  }

  before(async () => {
    server = await startTestServer({ CONTINUUM_MAIL: `file:${mailDir}` });
    clinic = await buildClinic(server);
    const schedule = await create(server, { resourceType: 'Schedule', active: true, actor: [ref('Practitioner', clinic.practitioner)] });
    const slot = await create(server, { resourceType: 'Slot', schedule: ref('Schedule', schedule), status: 'free', start: soon(48), end: soon(48.34) });
    const relatedPerson = await create(server, { resourceType: 'RelatedPerson', active: true, patient: ref('Patient', clinic.patientB), name: [{ text: 'Synthetic Caregiver' }] });
    victim = { patient: clinic.patientB, practitioner: clinic.practitioner, slot, relatedPerson };
    tokenA = (await portalSignIn(server, { username: 'alice', password: PASSWORD })).access_token;
  });
  after(async () => {
    await server?.close();
    rmSync(mailDir, { recursive: true, force: true });
  });

  it('has a portal route to sweep', () => {
    assert.ok(portalRoutes().length > 0);
  });

  for (const route of portalRoutes()) {
    const path = route.pattern.join('/');
    for (const method of Object.keys(route.methods)) {
      it(`${method} ${path}: 403 or 404 for patient B's things, nothing written`, async () => {
        const [type, second, third] = route.pattern;
        let url: string;
        let body: unknown;
        if (route.pattern.length === 3 && second === ':id' && third?.startsWith('$') && type && !type.startsWith(':')) {
          const make = COMPARTMENT_RESOURCES[type];
          if (!make) assert.fail(`the isolation sweep cannot make a ${type} in patient B's compartment: add it to COMPARTMENT_RESOURCES`);
          const made = make(victim);
          const id = made === 'patient' ? victim.patient : await create(server, made);
          url = `/${type}/${id}/${third}`;
          body = (INSTANCE_BODIES[third] ?? (() => ({ resourceType: 'Parameters', parameter: [] })))(victim);
        } else if (route.pattern.length === 2 && second?.startsWith('$') && type && !type.startsWith(':')) {
          const op = TYPE_OPERATIONS[`${type}/${second}`];
          if (!op) assert.fail(`the isolation sweep does not know how to name patient B's things in ${type}/${second}: add it to TYPE_OPERATIONS`);
          if ('noPatientData' in op) return; // Explicitly about no patient: nothing of B's to reach.
          if (op.method !== method) return; // The listed method is the one that touches patient data.
          url = `/${type}/${second}`;
          body = op.body(victim);
        } else {
          assert.fail(`the isolation sweep does not know the route shape ${path}: teach it (test/portal/isolation.int.test.ts)`);
        }
        const before = await snapshot();
        const mailBefore = emlFiles(mailDir).length;
        const res = await server.request(method, url, { token: tokenA, ...(method === 'GET' ? {} : { body }) });
        assert.ok(res.status === 403 || res.status === 404, `${method} ${url} answered ${res.status}: ${res.text.slice(0, 300)}`);
        assert.equal(res.json?.resourceType, 'OperationOutcome');
        assert.deepEqual(await snapshot(), before, 'nothing was written');
        assert.equal(emlFiles(mailDir).length, mailBefore, 'nothing was mailed');
      });
    }
  }
});
