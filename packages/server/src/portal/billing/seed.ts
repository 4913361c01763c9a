/**
 * The demo clinic's billing (with `demo` only): for every patient an Account and a statement
 * (an issued Invoice) for each of their last three clinic visits, with CPT line items (charge, and
 * the insurance's part as a deduction) and the patient's responsibility as `totalGross`. Ids are
 * derived from the patient's and the visit's, and a patient whose Account exists is skipped, so a
 * restart adds only patients that are new (and never undoes a payment).
 */
import type { Account, Encounter, Invoice, InvoiceLineItem, Patient, Resource } from '@medplum/fhirtypes';
import type { Repository } from '../../store/repository.ts';
import { seededId, seedForEachPatient } from '../demo-patients.ts';
import type { PortalSeedOptions } from '../seed.ts';
import { nameText } from '../messaging/thread.ts';
import { chargesFor, CPT, patientShareCents } from './demo-charges.ts';
import { usd } from './money.ts';

const VISITS_BILLED = 3;

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
  if (opts.demo) await seedForEachPatient(repo, (patient) => billingFor(repo, patient));
}
