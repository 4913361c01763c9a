/**
 * The e-prescription sender loop against a real database: it sends each requested erx-send Task's
 * NewRx through the sender (the outbox writes `<MessageID>.xml`), completes the Task with the
 * sender's id, or fails it with the reason; two loops running at once (two app nodes) send every
 * message exactly once; a claim left unfinished by a dead node is taken over after the lease.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Bundle, Task } from '@medplum/fhirtypes';
import { SearchParamRegistry } from '@continuum/fhir';
import { ErxSendLoop } from '../../src/erx/send-loop.ts';
import { outboxSender, type ErxSender } from '../../src/erx/sender.ts';
import { erxTenants } from '../../src/erx/start.ts';
import { createIndexer } from '../../src/store/indexer.ts';
import { Repository } from '../../src/store/repository.ts';
import { startTestServer, type TestServer } from '../fixtures/server.ts';
import { order, patient, pharmacy, prescriber } from './fixtures.ts';

let server: TestServer;
let outbox: string;
const ids = { patient: '', prescriber: '', pharmacy: '' };

async function create<T extends { resourceType: string; id?: string }>(r: T): Promise<T> {
  const res = await server.request('POST', `/${r.resourceType}`, { body: { ...r, id: undefined } });
  assert.equal(res.status, 201, res.text.slice(0, 400));
  return res.json as T;
}

/** Prescribes `n` orders to the pharmacy; answers their send Tasks' ids. */
async function prescribe(n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const mr = await create(order({}, ids));
    const tasks = (await server.request('GET', `/Task?focus=MedicationRequest/${mr.id}`)).json as Bundle<Task>;
    out.push(tasks.entry![0]!.resource!.id!);
  }
  return out;
}

const task = async (id: string): Promise<Task> => (await server.request('GET', `/Task/${id}`)).json as Task;

/** A sender that records what it was given, then writes to the outbox. */
function counting(sent: string[], inner: ErxSender = outboxSender(outbox)): ErxSender {
  return {
    name: 'counting',
    async send(message, meta) {
      sent.push(meta.messageId);
      // Let the other loop run between this one's claim and its finish.
      await new Promise((r) => setImmediate(r));
      return inner.send(message, meta);
    },
  };
}

const loop = (sender: ErxSender, now?: () => Date) =>
  new ErxSendLoop({
    repoFor: async (tenant) => new Repository({ db: server.database.db, indexer: createIndexer(SearchParamRegistry.r4()) }, tenant),
    tenants: () => erxTenants(server.database.db),
    sender,
    ...(now ? { now } : {}),
  });

before(async () => {
  server = await startTestServer({ CONTINUUM_ERX_SENDER: 'none' });
  outbox = mkdtempSync(join(tmpdir(), 'erx-outbox-'));
  ids.patient = (await create(patient())).id!;
  ids.prescriber = (await create(prescriber())).id!;
  ids.pharmacy = (await create(pharmacy())).id!;
});
after(async () => {
  await server.close();
  rmSync(outbox, { recursive: true, force: true });
});

describe('the e-prescription sender loop', () => {
  it('writes each message to the outbox and completes its Task with the sender id; two loops send each once', async () => {
    const taskIds = await prescribe(4);
    assert.deepEqual(await erxTenants(server.database.db), ['default']);
    const sent: string[] = [];
    const [a, b] = await Promise.all([loop(counting(sent)).runOnce(), loop(counting(sent)).runOnce()]);
    assert.equal(a.sent + b.sent, 4);
    assert.equal(new Set(sent).size, sent.length, `a message was sent twice: ${sent.join(', ')}`);
    assert.equal(sent.length, 4);
    for (const id of taskIds) {
      const t = await task(id);
      assert.equal(t.status, 'completed');
      const doc = t.input![0]!.valueReference!.reference!.split('/')[1]!;
      assert.equal(t.output?.[0]?.valueIdentifier?.value, `outbox:${doc}`);
      const file = join(outbox, `${doc}.xml`);
      assert.ok(existsSync(file));
      assert.match(readFileSync(file, 'utf8'), new RegExp(`<MessageID>${doc}</MessageID>`));
    }
    // Nothing left: another round sends nothing.
    assert.deepEqual(await loop(counting(sent)).runOnce(), { sent: 0, failed: 0 });
  });

  it('fails the Task with the reason when the sender fails or throws', async () => {
    const [refused, thrown] = await prescribe(2);
    const answers: ErxSender = { name: 'refusing', send: async () => ({ status: 'failed', error: 'Pharmacy not reachable' }) };
    assert.deepEqual(await loop(answers).runOnce(), { sent: 0, failed: 2 });
    const t = await task(refused!);
    assert.equal(t.status, 'failed');
    assert.equal(t.statusReason?.text, 'Pharmacy not reachable');
    const throwing: ErxSender = { name: 'broken', send: () => Promise.reject(Object.assign(new Error('secret payload text'), { code: 'ECONNRESET' })) };
    // A failed Task is not retried by itself: send a new one through the throwing sender.
    const [again] = await prescribe(1);
    await loop(throwing).runOnce();
    const f = await task(again!);
    assert.equal(f.status, 'failed');
    assert.equal(f.statusReason?.text, 'The broken sender failed (ECONNRESET)');
    assert.equal((await task(thrown!)).status, 'failed');
  });

  it('takes over a claim left in progress once the lease has passed', async () => {
    const [id] = await prescribe(1);
    const t = await task(id!);
    // A node claimed it, then died.
    const at = Date.parse(t.authoredOn!);
    const claimed = await server.request('PUT', `/Task/${id}`, { body: { ...t, status: 'in-progress', lastModified: t.authoredOn } });
    assert.equal(claimed.status, 200, claimed.text.slice(0, 400));
    const sent: string[] = [];
    const soon = () => new Date(at + 60_000);
    assert.deepEqual(await loop(counting(sent), soon).runOnce(), { sent: 0, failed: 0 }, 'within the lease it is left alone');
    const later = () => new Date(at + 6 * 60_000);
    assert.deepEqual(await loop(counting(sent), later).runOnce(), { sent: 1, failed: 0 });
    assert.equal((await task(id!)).status, 'completed');
  });
});
