/**
 * The immunization list's rules, without React: the form (CVX vaccine, date given, lot, site,
 * route, status completed or not-done with a reason, primary source), checking it, building the
 * Immunization, entered-in-error, the fields people read, and status.
 */
import type { Coding, Immunization } from '@medplum/fhirtypes';
import { conceptText, formatDate } from '../../fhir/format.ts';
import { CVX } from '../../fhir/terminology.ts';
import type { ListStatus } from './allergy.ts';
import { codeOf, codingFromConcept, conceptFromCoding, hl7Concept, today, validPastDate } from './coding.ts';
import type { FieldSpec } from './versions.ts';

export const SITES = { LA: 'Left arm', RA: 'Right arm', LT: 'Left thigh', RT: 'Right thigh', LD: 'Left deltoid', RD: 'Right deltoid' } as const;
export const ROUTES = { IM: 'Intramuscular', SC: 'Subcutaneous', ID: 'Intradermal', PO: 'Oral', NASINHLC: 'Nasal' } as const;
export const NOT_DONE_REASONS = { IMMUNE: 'Immunity', MEDPREC: 'Medical precaution', OSTOCK: 'Product out of stock', PATOBJ: 'Patient objection' } as const;

export interface ImmunizationForm {
  vaccine: Coding | undefined;
  status: 'completed' | 'not-done';
  date: string;
  lot: string;
  site: keyof typeof SITES | '';
  route: keyof typeof ROUTES | '';
  reason: keyof typeof NOT_DONE_REASONS | '';
  primarySource: boolean;
  note: string;
}

export const emptyImmunization = (now: Date = new Date()): ImmunizationForm => ({
  vaccine: undefined,
  status: 'completed',
  date: today(now),
  lot: '',
  site: '',
  route: '',
  reason: '',
  primarySource: true,
  note: '',
});

export type ImmunizationErrors = Partial<Record<keyof ImmunizationForm, string>>;

export function validateImmunization(f: ImmunizationForm, now: Date = new Date()): ImmunizationErrors {
  const e: ImmunizationErrors = {};
  if (!f.vaccine?.code) e.vaccine = 'Choose the CVX vaccine';
  if (!validPastDate(f.date, today(now))) e.date = 'Enter a real date that is not in the future';
  if (f.status === 'not-done' && !f.reason) e.reason = 'Say why it was not given';
  return e;
}

export function immunizationForm(i: Immunization): ImmunizationForm {
  return {
    vaccine: codingFromConcept(i.vaccineCode, CVX),
    status: i.status === 'not-done' ? 'not-done' : 'completed',
    date: i.occurrenceDateTime?.slice(0, 10) ?? '',
    lot: i.lotNumber ?? '',
    site: (Object.keys(SITES) as (keyof typeof SITES)[]).find((k) => k === codeOf(i.site)) ?? '',
    route: (Object.keys(ROUTES) as (keyof typeof ROUTES)[]).find((k) => k === codeOf(i.route)) ?? '',
    reason: (Object.keys(NOT_DONE_REASONS) as (keyof typeof NOT_DONE_REASONS)[]).find((k) => k === codeOf(i.statusReason)) ?? '',
    primarySource: i.primarySource ?? true,
    note: i.note?.map((n) => n.text).join('\n') ?? '',
  };
}

export function immunizationResource(f: ImmunizationForm, patientId: string, base?: Immunization, now: Date = new Date()): Immunization {
  const { lotNumber: _l, site: _s, route: _r, statusReason: _sr, note: _n, ...kept } = base ?? ({} as Partial<Immunization>);
  const given = f.status === 'completed';
  return {
    ...kept,
    resourceType: 'Immunization',
    status: f.status,
    patient: base?.patient ?? { reference: `Patient/${patientId}` },
    vaccineCode: conceptFromCoding(f.vaccine ?? { display: '' }),
    occurrenceDateTime: f.date,
    recorded: base?.recorded ?? now.toISOString(),
    primarySource: f.primarySource,
    ...(given && f.lot.trim() ? { lotNumber: f.lot.trim() } : {}),
    ...(given && f.site ? { site: hl7Concept('v3-ActSite', f.site, SITES[f.site]) } : {}),
    ...(given && f.route ? { route: hl7Concept('v3-RouteOfAdministration', f.route, ROUTES[f.route]) } : {}),
    ...(!given && f.reason ? { statusReason: hl7Concept('v3-ActReason', f.reason, NOT_DONE_REASONS[f.reason]) } : {}),
    ...(f.note.trim() ? { note: [{ text: f.note.trim() }] } : {}),
  };
}

export function immunizationEnteredInError(i: Immunization): Immunization {
  return { ...i, status: 'entered-in-error' };
}

export function immunizationStatus(i: Immunization): ListStatus {
  if (i.status === 'entered-in-error') return { label: 'Entered in error', tone: 'error' };
  if (i.status === 'not-done') return { label: 'Not given', tone: 'warning' };
  return { label: 'Given', tone: 'active' };
}

export const IMMUNIZATION_FIELDS: readonly FieldSpec<Immunization>[] = [
  { label: 'Vaccine', read: (i) => conceptText(i.vaccineCode) + (codeOf(i.vaccineCode, CVX) ? ` (CVX ${codeOf(i.vaccineCode, CVX)})` : '') },
  { label: 'Status', read: (i) => immunizationStatus(i).label },
  { label: 'Date', read: (i) => formatDate(i.occurrenceDateTime) },
  { label: 'Lot', read: (i) => i.lotNumber },
  { label: 'Site', read: (i) => (i.site ? conceptText(i.site) : undefined) },
  { label: 'Route', read: (i) => (i.route ? conceptText(i.route) : undefined) },
  { label: 'Reason not given', read: (i) => (i.statusReason ? conceptText(i.statusReason) : undefined) },
  { label: 'Source', read: (i) => (i.primarySource === undefined ? undefined : i.primarySource ? 'Given here (primary source)' : 'Reported by someone else') },
  { label: 'Note', read: (i) => i.note?.map((n) => n.text).join('\n') },
];
