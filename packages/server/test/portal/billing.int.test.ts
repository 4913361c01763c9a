/**
 * The portal's billing over real HTTP against the real server (PGlite or PostgreSQL): the demo
 * statements (seedBilling: an Account and CPT-coded Invoices per patient, idempotent), `$statement`
 * (invoices with paid and due, payments, balance) and `$pay` through the test processor (approved,
 * declined with a 402 and nothing written, amount above what is due a 422, idempotency keys,
 * never the card number in what is stored, two payments at once never overpaying). Every route:
 * 401 without a token, 403 for roles that may not, 404 for another patient's ids.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Encounter, Invoice, Parameters, ParametersParameter } from '@medplum/fhirtypes';
import { seedBilling } from '../../src/portal/billing/seed.ts';
import { SearchParamProvider } from '../../src/search-params/provider.ts';
import { Repository } from '../../src/store/repository.ts';
import { startTestServer, type TestServer } from '../fixtures/server.ts';
import { buildClinic, create, userToken, type Clinic } from '../auth/fixtures.ts';
import { AccountService } from '../../src/identity/accounts.ts';
import { PASSWORD } from '../auth/fixtures.ts';

let s: TestServer;
let clinic: Clinic;
let repo: Repository;
const tokens: Record<string, string> = {};

const CARD = '4242 4242 4242 4242';
const parameters = (...parameter: ParametersParameter[]): Parameters => ({ resourceType: 'Parameters', parameter });
const part = (p: ParametersParameter, name: string) => p.part?.find((x) => x.name === name);
const payment = (amount: number, card = CARD, extra: ParametersParameter[] = []) =>
  parameters(
    { name: 'amount', valueMoney: { value: amount, currency: 'USD' } },
    { name: 'cardNumber', valueString: card },
    { name: 'expiry', valueString: '12/39' },
    { name: 'cvc', valueString: '123' },
    { name: 'nameOnCard', valueString: 'Alice Testpatient' },
    ...extra,
  );
const pay = (invoice: string, body: Parameters, who?: string) => s.request('POST', `/Invoice/${invoice}/$pay`, who ? { body, token: tokens[who]! } : { body, anonymous: true });
const statement = (patient: string, who: string) => s.request('GET', `/Patient/${patient}/$statement`, { token: tokens[who]! });
const invoicesOf = async (patient: string): Promise<Invoice[]> => ((await s.request('GET', `/Invoice?subject=Patient/${patient}&_sort=date`)).json.entry ?? []).map((e: { resource: Invoice }) => e.resource);
const dueOf = (st: Parameters, invoice: string): number => part(st.parameter!.find((p) => p.name === 'invoice' && part(p, 'invoice')?.valueReference?.reference === `Invoice/${invoice}`)!, 'due')!.valueMoney!.value!;
const balanceOf = (st: Parameters): number => st.parameter!.find((p) => p.name === 'balance')!.valueMoney!.value!;
const cents = (v: number) => Math.round(v * 100);

const visit = (patient: string, type: string, display: string, day: string): Encounter => ({
  resourceType: 'Encounter',
  status: 'finished',
  class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
  type: [{ coding: [{ system: 'urn:continuum:synth:encounter-type', code: type, display }], text: display }],
  subject: { reference: `Patient/${patient}` },
  period: { start: `${day}T09:00:00Z`, end: `${day}T09:20:00Z` },
});

before(async () => {
  s = await startTestServer();
  clinic = await buildClinic(s);
  await create(s, visit(clinic.patientA, 'annual-physical', 'Annual preventive visit', '2026-03-02'));
  await create(s, visit(clinic.patientA, 'sick-visit', 'Acute (sick) visit', '2026-06-10'));
  await create(s, visit(clinic.patientB, 'chronic-followup', 'Chronic care follow-up', '2026-05-05'));
  repo = new Repository({ db: s.database.db, indexer: await new SearchParamProvider(s.database.db).indexerFor(clinic.tenant) }, clinic.tenant);
  await new AccountService(s.database.db).create({ tenantId: clinic.tenant, username: 'bob', kind: 'patient', fhirUser: `Patient/${clinic.patientB}`, password: PASSWORD });
  for (const user of ['alice', 'bob', 'dr.okafor', 'bill.ng', 'desk.kim']) tokens[user] = await userToken(s, clinic, user, 'openid fhirUser user/*.cruds');
});
after(async () => {
  await s?.close();
});

describe('demo statements', () => {
  it('are seeded only for the demo: an Account and one CPT-coded Invoice per clinic visit, and a restart adds nothing', async () => {
    await seedBilling(repo, { demo: false });
    assert.deepEqual(await invoicesOf(clinic.patientA), []);
    await seedBilling(repo, { demo: true });
    await seedBilling(repo, { demo: true });
    const invoices = await invoicesOf(clinic.patientA);
    assert.equal(invoices.length, 2);
    const physical = invoices[0]!;
    assert.equal(physical.status, 'issued');
    assert.equal(physical.subject?.reference, `Patient/${clinic.patientA}`);
    assert.equal(physical.type?.text, 'Annual preventive visit');
    assert.ok(physical.lineItem!.length >= 2);
    for (const line of physical.lineItem!) {
      assert.equal(line.chargeItemCodeableConcept?.coding?.[0]?.system, 'http://www.ama-assn.org/go/cpt');
      assert.match(line.chargeItemCodeableConcept.coding[0].code!, /^\d{5}$/);
      const [base, deduction] = line.priceComponent!;
      assert.equal(base!.type, 'base');
      assert.equal(deduction!.type, 'deduction');
      assert.ok(deduction!.amount!.value! < base!.amount!.value!);
    }
    // The patient's responsibility: what the insurance left of every line.
    const owed = physical.lineItem!.reduce((sum, l) => sum + cents(l.priceComponent![0]!.amount!.value!) - cents(l.priceComponent![1]!.amount!.value!), 0);
    assert.equal(cents(physical.totalGross!.value!), owed);
    assert.equal(physical.totalGross?.currency, 'USD');
    const accounts = (await s.request('GET', `/Account?subject=Patient/${clinic.patientA}`)).json.entry;
    assert.equal(accounts.length, 1);
    assert.equal(physical.account?.reference, `Account/${accounts[0].resource.id}`);
    assert.equal((await invoicesOf(clinic.patientB)).length, 1);
  });
});

describe('$statement and $pay', () => {
  let first: Invoice;
  let second: Invoice;

  before(async () => {
    const invoices = await invoicesOf(clinic.patientA);
    first = invoices[0]!;
    second = invoices[1]!;
  });

  it('states every invoice with what is due, and the balance', async () => {
    const res = await statement(clinic.patientA, 'alice');
    assert.equal(res.status, 200, res.text);
    const st = res.json as Parameters;
    assert.equal(cents(balanceOf(st)), cents(first.totalGross!.value!) + cents(second.totalGross!.value!));
    const line = st.parameter!.find((p) => p.name === 'invoice' && part(p, 'invoice')?.valueReference?.reference === `Invoice/${first.id}`)!;
    assert.equal(part(line, 'total')?.valueMoney?.value, first.totalGross!.value);
    assert.equal(part(line, 'paid')?.valueMoney?.value, 0);
    assert.equal(part(line, 'status')?.valueCode, 'issued');
    assert.equal(part(line, 'description')?.valueString, 'Annual preventive visit');
    assert.equal(part(line, 'date')?.valueDateTime, first.date);
    assert.equal(st.parameter!.filter((p) => p.name === 'payment').length, 0);
  });

  it('pays part of an invoice: approved, recorded with the brand and last four only, the balance down', async () => {
    const before = balanceOf((await statement(clinic.patientA, 'alice')).json);
    const res = await pay(first.id!, payment(10), 'alice');
    assert.equal(res.status, 200, res.text);
    const out = res.json as Parameters;
    assert.equal(out.parameter!.find((p) => p.name === 'status')?.valueCode, 'approved');
    const ref = out.parameter!.find((p) => p.name === 'payment')!.valueReference!.reference!;
    assert.match(ref, /^PaymentReconciliation\//);
    assert.equal(cents(balanceOf(out)), cents(before) - 1000);
    const recorded = await s.request('GET', `/${ref}`);
    assert.equal(recorded.status, 200);
    assert.equal(recorded.json.paymentAmount.value, 10);
    assert.equal(recorded.json.detail[0].request.reference, `Invoice/${first.id}`);
    assert.match(recorded.json.disposition, /Visa ending 4242/);
    assert.doesNotMatch(recorded.text, /4242424242424242|4242 4242/);
    const { rows } = await s.database.db.query<Record<string, unknown>>('SELECT * FROM portal_payment');
    assert.doesNotMatch(JSON.stringify(rows), /4242424242424242|4242 4242|12\/39|"123"/);
    const st = (await statement(clinic.patientA, 'alice')).json as Parameters;
    assert.equal(cents(dueOf(st, first.id!)), cents(first.totalGross!.value!) - 1000);
    const paid = st.parameter!.filter((p) => p.name === 'payment');
    assert.equal(paid.length, 1);
    assert.equal(part(paid[0]!, 'method')?.valueString, 'Visa ending 4242');
    assert.equal(part(paid[0]!, 'amount')?.valueMoney?.value, 10);
    assert.equal(part(paid[0]!, 'payment')?.valueReference?.reference, ref);
  });

  it('a declined card is a 402 and nothing is recorded; bad card details are 400s', async () => {
    const before = (await statement(clinic.patientA, 'alice')).json as Parameters;
    const declined = await pay(first.id!, payment(5, '4000000000000002'), 'alice');
    assert.equal(declined.status, 402, declined.text);
    assert.equal(declined.json.resourceType, 'OperationOutcome');
    assert.equal((await pay(first.id!, payment(5, '4242424242424241'), 'alice')).status, 402, 'a number failing the Luhn check');
    const expired = payment(5);
    expired.parameter![2] = { name: 'expiry', valueString: '01/20' };
    assert.equal((await pay(first.id!, expired, 'alice')).status, 402, 'an expired card');
    assert.deepEqual((await statement(clinic.patientA, 'alice')).json, before);
    const bad: [string, Parameters][] = [
      ['letters in the number', payment(5, '4242-abcd-4242-4242')],
      ['fractions of a cent', payment(5.001)],
      ['no card number', parameters({ name: 'amount', valueMoney: { value: 5, currency: 'USD' } }, { name: 'expiry', valueString: '12/39' }, { name: 'cvc', valueString: '123' }, { name: 'nameOnCard', valueString: 'A' })],
      ['euros', parameters({ name: 'amount', valueMoney: { value: 5, currency: 'EUR' } }, ...payment(5).parameter!.slice(1))],
      ['a month 13', parameters(...payment(5).parameter!.map((p) => (p.name === 'expiry' ? { name: 'expiry', valueString: '13/39' } : p)))],
      ['a short key', payment(5, CARD, [{ name: 'idempotencyKey', valueString: 'abc' }])],
    ];
    for (const [what, body] of bad) assert.equal((await pay(first.id!, body, 'alice')).status, 400, what);
  });

  it('an amount above what is due, or not above zero, is a 422', async () => {
    const due = dueOf((await statement(clinic.patientA, 'alice')).json, first.id!);
    assert.equal((await pay(first.id!, payment(due + 0.01), 'alice')).status, 422);
    assert.equal((await pay(first.id!, payment(0), 'alice')).status, 422);
  });

  it('a repeated idempotency key answers the first payment and charges once', async () => {
    const key = [{ name: 'idempotencyKey', valueString: 'pay-2026-11-27-alice-0001' }];
    const one = await pay(second.id!, payment(1, CARD, key), 'alice');
    const two = await pay(second.id!, payment(1, CARD, key), 'alice');
    assert.equal(one.status, 200, one.text);
    assert.equal(two.status, 200, two.text);
    const ref = (p: Parameters) => p.parameter!.find((x) => x.name === 'payment')!.valueReference!.reference;
    assert.equal(ref(two.json), ref(one.json));
    const st = (await statement(clinic.patientA, 'alice')).json as Parameters;
    assert.equal(cents(dueOf(st, second.id!)), cents(second.totalGross!.value!) - 100);
    assert.equal((await pay(second.id!, payment(2, CARD, key), 'alice')).status, 409, 'the same key for another amount');
  });

  it('two payments of the whole due at once: one is approved, the other refused, never overpaid', async () => {
    const due = dueOf((await statement(clinic.patientA, 'alice')).json, second.id!);
    const results = await Promise.all([pay(second.id!, payment(due), 'alice'), pay(second.id!, payment(due), 'alice')]);
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 422], results.map((r) => r.text.slice(0, 200)).join(' | '));
    const st = (await statement(clinic.patientA, 'alice')).json as Parameters;
    assert.equal(dueOf(st, second.id!), 0);
    const line = st.parameter!.find((p) => p.name === 'invoice' && part(p, 'invoice')?.valueReference?.reference === `Invoice/${second.id}`)!;
    assert.equal(cents(part(line, 'paid')!.valueMoney!.value!), cents(second.totalGross!.value!));
    assert.equal(part(line, 'status')?.valueCode, 'balanced');
    assert.equal((await s.request('GET', `/Invoice/${second.id}`)).json.status, 'balanced');
    assert.equal((await pay(second.id!, payment(1), 'alice')).status, 422, 'nothing left to pay');
  });

  it('refuses without a token (401), roles that may not (403), another patient’s ids (404)', async () => {
    assert.equal((await pay(first.id!, payment(1))).status, 401);
    assert.equal((await s.request('GET', `/Patient/${clinic.patientA}/$statement`, { anonymous: true })).status, 401);
    const [bobs] = await invoicesOf(clinic.patientB);
    assert.equal((await pay(bobs!.id!, payment(1), 'alice')).status, 404);
    assert.equal((await statement(clinic.patientB, 'alice')).status, 404);
    assert.equal((await pay(first.id!, payment(1), 'bob')).status, 404);
    assert.equal((await statement(clinic.patientA, 'desk.kim')).status, 403);
    assert.equal((await pay(first.id!, payment(1), 'dr.okafor')).status, 403, 'clinicians do not take payments');
    assert.equal((await pay(first.id!, payment(1), 'desk.kim')).status, 403);
    const biller = await statement(clinic.patientA, 'bill.ng');
    assert.equal(biller.status, 200, biller.text);
    assert.equal((await pay(first.id!, payment(1), 'bill.ng')).status, 200, 'the billing office takes a card over the phone');
    // Payments are in no patient's compartment: patients read theirs in the statement, never directly.
    assert.equal((await s.request('GET', '/PaymentReconciliation?_count=50', { token: tokens.bob! })).status, 403);
    const mine = (await statement(clinic.patientA, 'alice')).json as Parameters;
    const ref = part(mine.parameter!.find((p) => p.name === 'payment')!, 'payment')!.valueReference!.reference!;
    assert.equal((await s.request('GET', `/${ref}`, { token: tokens.alice! })).status, 403);
    assert.equal((await s.request('GET', `/${ref}`, { token: tokens['bill.ng']! })).status, 200);
  });
});
