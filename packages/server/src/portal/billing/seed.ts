/**
 * The demo clinic's billing (with `demo` only): for every patient an Account and a statement
 * (an issued Invoice) for each of their last three clinic visits, with CPT line items (charge, and
 * the insurance's part as a deduction) and the patient's responsibility as `totalGross`. Ids are
 * derived from the patient's and the visit's, and a patient whose Account exists is skipped, so a
 * restart adds only patients that are new (and never undoes a payment).
 */
import { createHash } from 'node:crypto';
import type { Account, Encounter, Invoice, InvoiceLineItem, Patient, Resource } from '@medplum/fhirtypes';
import { parseSearch } from '@continuum/fhir';
import type { Repository } from '../../store/repository.ts';
import type { PortalSeedOptions } from '../seed.ts';
import { nameText } from '../messaging/thread.ts';
import { chargesFor, CPT, patientShareCents } from './demo-charges.ts';
import { usd } from './money.ts';

const PAGE = 100;
const VISITS_BILLED = 3;

/** A seeded resource's id: `prefix` and the source id, hashed when that would be too long. */
export function seededId(prefix: string, sourceId: string): string {
  const id = `${prefix}-${sourceId}`;
  return id.length <= 64 ? id : `${prefix}-${createHash('sha256').update(sourceId).digest('hex').slice(0, 40)}`;
}

function invoiceFor(patient: Patient, account: string, encounter: Encounter, n: number): Invoice {
  const visitType = encounter.type?.[0]?.coding?.[0]?.code;
  let patientCents = 0;
  const lineItem: InvoiceLineItem[] = chargesFor(visitType).map((c, i) => {
    const share = patientShareCents(c.chargeCents, n + i);
    patientCents += share;
    return {
      sequence: i + 1,
      chargeItemCodeableConcept: { coding: [{ system: CPT, code: c.code, display: c.display }], text: c.display },
      priceComponent: [
        { type: 'base', amount: usd(c.chargeCents) },
        { type: 'deduction', code: { text: 'Insurance paid or adjusted' }, amount: usd(c.chargeCents - share) },
      ],
    };
  });
  const patientRef = { reference: `Patient/${patient.id!}`, ...(nameText(patient.name) ? { display: nameText(patient.name)! } : {}) };
  return {
    resourceType: 'Invoice',
    id: seededId('inv', encounter.id!),
    status: 'issued',
    type: { text: encounter.type?.[0]?.text ?? 'Clinic visit' },
    subject: patientRef,
    recipient: patientRef,
    date: encounter.period?.end ?? encounter.period?.start ?? new Date().toISOString(),
    account: { reference: account },
    ...(encounter.serviceProvider ? { issuer: encounter.serviceProvider } : {}),
    lineItem,
    totalNet: usd(patientCents),
    totalGross: usd(patientCents),
    note: [{ text: `Statement for the visit of ${(encounter.period?.start ?? '').slice(0, 10)}` }],
  };
}

async function billingFor(repo: Repository, patient: Patient): Promise<Resource[]> {
  const accountId = seededId('acct', patient.id!);
  if (await repo.exists('Account', accountId)) return [];
  const visits = await repo.search(repo.parseCriteria('Encounter', `subject=Patient/${patient.id!}&class=AMB&status=finished&_sort=-date`), { count: VISITS_BILLED });
  const account: Account = {
    resourceType: 'Account',
    id: accountId,
    status: 'active',
    name: 'Patient account',
    subject: [{ reference: `Patient/${patient.id!}` }],
    ...(patient.managingOrganization ? { owner: patient.managingOrganization } : {}),
  };
  const invoices = visits.matches.map((m, n) => invoiceFor(patient, `Account/${accountId}`, JSON.parse(m.content) as Encounter, n));
  return [account, ...invoices];
}

export async function seedBilling(repo: Repository, opts: PortalSeedOptions): Promise<void> {
  if (!opts.demo) return;
  const req = parseSearch('Patient', [['_sort', '_id']], repo.indexer.registry);
  let from: Parameters<Repository['search']>[1]['from'];
  for (;;) {
    const page = await repo.search(req, { count: PAGE, ...(from ? { from } : {}) });
    const writes = [];
    for (const m of page.matches) {
      for (const r of await billingFor(repo, JSON.parse(m.content) as Patient)) writes.push(repo.prepare(repo.validate(r), r.id!, 0, 'create').write);
    }
    if (writes.length > 0) await repo.commit(writes);
    if (!page.next || page.matches.length < PAGE) return;
    from = page.next;
  }
}
