/**
 * Lab and imaging orders from the shipped catalogue, pure: the catalogue as the ordering screen
 * needs it (built from the PlanDefinition order sets, ActivityDefinitions and SpecimenDefinitions
 * the server serves), the drafts the forms hold, their checks, and the FHIR writes they become.
 *
 * Ordering labs (a set, panels or single tests) is ONE transaction: a ServiceRequest per test and a
 * Specimen per specimen type (to be collected: no collection time yet), each order pointing at its
 * specimen, all sharing the requisition (placer group number) and each with its own placer order
 * number, `instantiatesCanonical` its ActivityDefinition (and the order set). An imaging order is
 * a ServiceRequest of category Imaging with the study's LOINC code and the body site.
 */
import type { ActivityDefinition, Bundle, BundleEntry, Coding, Condition, Organization, PlanDefinition, Reference, ServiceRequest, Specimen, SpecimenDefinition } from '@medplum/fhirtypes';
import type { OrderContext, Priority } from './order-model.ts';

export const SNOMED = 'http://snomed.info/sct';
const V2_ID = 'http://terminology.hl7.org/CodeSystem/v2-0203';
export const PLACER_SYSTEM = 'urn:continuum:placer-order';
export const REQUISITION_SYSTEM = 'urn:continuum:requisition';
export const LAB_CATEGORY: Coding = { system: SNOMED, code: '108252007', display: 'Laboratory procedure' };
export const IMAGING_CATEGORY: Coding = { system: SNOMED, code: '363679005', display: 'Imaging' };
export const PANEL_MEMBER_EXT = 'urn:continuum:order-catalogue:panel-member';

export interface CatalogueItem {
  /** `url|version` of the ActivityDefinition. */
  canonical: string;
  kind: 'lab' | 'imaging';
  title: string;
  code: Coding;
  specimen?: { type: Coding[]; text: string; container?: string };
  members: Coding[];
  bodySite?: string;
  modality?: string;
}

export interface OrderSet {
  canonical: string;
  title: string;
  description: string;
  items: CatalogueItem[];
}

export interface Catalogue {
  items: CatalogueItem[];
  sets: OrderSet[];
  lab: Reference<Organization> | undefined;
}

const canonicalOf = (r: { url?: string; version?: string }) => `${r.url ?? ''}${r.version ? `|${r.version}` : ''}`;
const isImaging = (a: ActivityDefinition) => (a.topic ?? []).some((t) => t.coding?.some((c) => c.system === SNOMED && c.code === IMAGING_CATEGORY.code));

export function catalogueFrom(plans: PlanDefinition[], activities: ActivityDefinition[], specimens: SpecimenDefinition[], lab: Organization | undefined): Catalogue {
  const specimenById = new Map(specimens.map((s) => [`SpecimenDefinition/${s.id}`, s]));
  const items = activities
    .filter((a) => a.status === 'active' && a.code?.coding?.[0])
    .map((a): CatalogueItem => {
      const spec = a.specimenRequirement?.[0]?.reference ? specimenById.get(a.specimenRequirement[0].reference) : undefined;
      const modality = a.topic?.find((t) => t.coding?.some((c) => c.system === 'http://dicom.nema.org/resources/ontology/DCM'))?.coding?.[0]?.code;
      return {
        canonical: canonicalOf(a),
        kind: isImaging(a) ? 'imaging' : 'lab',
        title: a.title ?? a.code?.text ?? a.code!.coding![0]!.display ?? '',
        code: a.code!.coding![0]!,
        ...(spec?.typeCollected ? { specimen: { type: spec.typeCollected.coding ?? [], text: spec.typeCollected.text ?? '', ...(spec.typeTested?.[0]?.container?.description ? { container: spec.typeTested[0].container.description } : {}) } } : {}),
        members: (a.extension ?? []).filter((e) => e.url === PANEL_MEMBER_EXT && e.valueCoding).map((e) => e.valueCoding!),
        ...(a.bodySite?.[0]?.text ? { bodySite: a.bodySite[0].text } : {}),
        ...(modality ? { modality } : {}),
      };
    })
    .sort((x, y) => x.title.localeCompare(y.title));
  const byCanonical = new Map(items.map((i) => [i.canonical, i]));
  const sets = plans
    .filter((p) => p.status === 'active')
    .map((p) => ({ canonical: canonicalOf(p), title: p.title ?? p.name ?? '', description: p.description ?? '', items: (p.action ?? []).flatMap((a) => (a.definitionCanonical && byCanonical.has(a.definitionCanonical) ? [byCanonical.get(a.definitionCanonical)!] : [])) }))
    .sort((x, y) => x.title.localeCompare(y.title));
  return { items, sets, lab: lab ? { reference: `Organization/${lab.id}`, ...(lab.name ? { display: lab.name } : {}) } : undefined };
}

export interface LabSetDraft {
  /** The order set chosen, if any (its canonical). */
  set: string | undefined;
  /** The tests to order (ActivityDefinition canonicals). */
  tests: string[];
  priority: Priority;
  reasons: Reference<Condition>[];
  fasting: boolean;
  noteToLab: string;
}

export interface ImagingDraft {
  study: string | undefined;
  bodySite: string;
  priority: Priority;
  reasons: Reference<Condition>[];
  noteToRadiology: string;
}

export const emptyLabSet = (): LabSetDraft => ({ set: undefined, tests: [], priority: 'routine', reasons: [], fasting: false, noteToLab: '' });
export const emptyImaging = (): ImagingDraft => ({ study: undefined, bodySite: '', priority: 'routine', reasons: [], noteToRadiology: '' });

export function checkLabSet(d: LabSetDraft): Partial<Record<keyof LabSetDraft, string>> {
  return d.tests.length > 0 ? {} : { tests: 'Choose an order set or at least one test' };
}

export function checkImaging(d: ImagingDraft): Partial<Record<keyof ImagingDraft, string>> {
  const e: Partial<Record<keyof ImagingDraft, string>> = {};
  if (!d.study) e.study = 'Choose the imaging study';
  if (!d.bodySite.trim()) e.bodySite = 'Say which body site';
  if (d.reasons.length === 0 && !d.noteToRadiology.trim()) e.reasons = 'Give a reason: a problem or a clinical note for the radiologist';
  return e;
}

/** The numbers a requisition carries: its placer group number, and a placer order number per order. */
export interface Numbers {
  requisition: string;
  placer: (index: number) => string;
  /** A fresh UUID, for the transaction's temporary ids. */
  uuid: () => string;
}

const placerId = (value: string) => ({ type: { coding: [{ system: V2_ID, code: 'PLAC', display: 'Placer Identifier' }] }, system: PLACER_SYSTEM, value });
const specimenKey = (i: CatalogueItem) => i.specimen?.type.map((c) => `${c.system}|${c.code}`).join(',') ?? 'none';
const note = (text: string, ctx: OrderContext) => ({ text, authorReference: { reference: ctx.requester }, time: ctx.now.toISOString() });

function baseOrder(item: CatalogueItem, ctx: OrderContext, priority: Priority, reasons: Reference<Condition>[], placer: string): ServiceRequest {
  return {
    resourceType: 'ServiceRequest',
    status: 'active',
    intent: 'order',
    identifier: [placerId(placer)],
    instantiatesCanonical: [item.canonical],
    category: [{ coding: [item.kind === 'imaging' ? IMAGING_CATEGORY : LAB_CATEGORY], text: item.kind === 'imaging' ? 'Imaging' : 'Laboratory' }],
    code: { coding: [item.code], text: item.title },
    priority,
    subject: { reference: ctx.patient },
    ...(ctx.encounter ? { encounter: { reference: ctx.encounter } } : {}),
    authoredOn: ctx.now.toISOString(),
    requester: { reference: ctx.requester },
    ...(reasons.length > 0 ? { reasonReference: reasons } : {}),
  };
}

export interface LabOrders {
  orders: ServiceRequest[];
  specimens: Specimen[];
  bundle: Bundle;
}

/** The lab orders of a draft, and the one transaction that writes them with their specimens. */
export function buildLabOrders(d: LabSetDraft, catalogue: Catalogue, ctx: OrderContext, numbers: Numbers): LabOrders {
  const items = d.tests.map((c) => catalogue.items.find((i) => i.canonical === c)).filter((i): i is CatalogueItem => i?.kind === 'lab');
  if (items.length === 0) throw new Error('Choose at least one test');
  const notes = [d.fasting ? 'Fasting specimen requested.' : '', d.noteToLab.trim()].filter(Boolean);
  const orderUrls = items.map(() => `urn:uuid:${numbers.uuid()}`);
  const orderUrl = (i: number) => orderUrls[i]!;
  const specimenUrls = new Map<string, string>();
  for (const item of items) if (item.specimen && !specimenUrls.has(specimenKey(item))) specimenUrls.set(specimenKey(item), `urn:uuid:${numbers.uuid()}`);
  const orders = items.map((item, i): ServiceRequest => ({
    ...baseOrder(item, ctx, d.priority, d.reasons, numbers.placer(i)),
    instantiatesCanonical: [item.canonical, ...(d.set ? [d.set] : [])],
    requisition: { type: { coding: [{ system: V2_ID, code: 'PGN', display: 'Placer Group Number' }] }, system: REQUISITION_SYSTEM, value: numbers.requisition },
    ...(item.specimen ? { specimen: [{ reference: specimenUrls.get(specimenKey(item))!, display: item.specimen.text }] } : {}),
    ...(catalogue.lab ? { performer: [catalogue.lab] } : {}),
    ...(notes.length > 0 ? { note: notes.map((t) => note(t, ctx)) } : {}),
  }));
  const specimens = [...specimenUrls].map(([key, url]): Specimen & { fullUrl: string } => {
    const first = items.find((i) => specimenKey(i) === key)!;
    return {
      resourceType: 'Specimen',
      fullUrl: url,
      type: { coding: first.specimen!.type, text: first.specimen!.text },
      subject: { reference: ctx.patient },
      request: items.flatMap((it, i) => (specimenKey(it) === key ? [{ reference: orderUrl(i) }] : [])),
      note: [{ text: `To be collected${first.specimen!.container ? `: ${first.specimen!.container}` : ''}.${d.fasting ? ' Fasting.' : ''}` }],
    };
  });
  const entry: BundleEntry[] = [
    ...specimens.map(({ fullUrl, ...s }) => ({ fullUrl, resource: s as Specimen, request: { method: 'POST' as const, url: 'Specimen' } })),
    ...orders.map((o, i) => ({ fullUrl: orderUrl(i), resource: o, request: { method: 'POST' as const, url: 'ServiceRequest' } })),
  ];
  return { orders, specimens: specimens.map(({ fullUrl: _, ...s }) => s as Specimen), bundle: { resourceType: 'Bundle', type: 'transaction', entry } };
}

export function buildImagingOrder(d: ImagingDraft, catalogue: Catalogue, ctx: OrderContext, placer: string): ServiceRequest {
  const item = catalogue.items.find((i) => i.canonical === d.study && i.kind === 'imaging');
  if (!item) throw new Error('Choose the imaging study');
  const text = d.noteToRadiology.trim();
  return {
    ...baseOrder(item, ctx, d.priority, d.reasons, placer),
    bodySite: [{ text: d.bodySite.trim() }],
    ...(text ? { note: [note(text, ctx)] } : {}),
  };
}

/** A short random reference for people to read out (no I/O; the randomness is the caller's). */
export function shortNumber(prefix: string, random: Uint8Array): string {
  const alphabet = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
  return `${prefix}-${[...random].map((b) => alphabet[b % alphabet.length]).join('')}`;
}

/** Whether a ServiceRequest is an imaging order (category Imaging). */
export const isImagingOrder = (o: ServiceRequest): boolean => (o.category ?? []).some((c) => c.coding?.some((x) => x.system === SNOMED && x.code === IMAGING_CATEGORY.code) || c.text === 'Imaging');
