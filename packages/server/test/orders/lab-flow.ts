/**
 * What the lab and imaging order tests share: the FHIR writes an ordering app and a lab interface
 * make, built by hand as any outside client would (an order set's transaction, a lab's report
 * Bundle), and small readers.
 */
import type { Bundle, BundleEntry, DiagnosticReport, Observation, Resource, ServiceRequest, Specimen } from '@medplum/fhirtypes';

export const V2_ID = 'http://terminology.hl7.org/CodeSystem/v2-0203';
export const CAT = 'urn:continuum:order-catalogue';
export const placer = (value: string) => ({ type: { coding: [{ system: V2_ID, code: 'PLAC' }] }, system: 'urn:continuum:placer-order', value });

export interface SetLine {
  loinc: string;
  display: string;
  definition: string;
  specimen: { code: string; display: string };
}

/** An order set's transaction: one Specimen (to be collected) and one ServiceRequest per line. */
export function orderSetBundle(patient: string, requester: string, requisition: string, lines: SetLine[], opts: { lab?: string; set?: string } = {}): Bundle {
  const entry: BundleEntry[] = [];
  lines.forEach((line, i) => {
    const specimenUrl = `urn:uuid:00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
    const specimen: Specimen = {
      resourceType: 'Specimen',
      status: 'available',
      type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0487', code: line.specimen.code, display: line.specimen.display }] },
      subject: { reference: patient },
      note: [{ text: 'To be collected' }],
    };
    const order: ServiceRequest = {
      resourceType: 'ServiceRequest',
      status: 'active',
      intent: 'order',
      identifier: [placer(`${requisition}-${i + 1}`)],
      requisition: { type: { coding: [{ system: V2_ID, code: 'PGN' }] }, system: 'urn:continuum:requisition', value: requisition },
      instantiatesCanonical: [line.definition, ...(opts.set ? [opts.set] : [])],
      category: [{ coding: [{ system: 'http://snomed.info/sct', code: '108252007' }] }],
      code: { coding: [{ system: 'http://loinc.org', code: line.loinc, display: line.display }], text: line.display },
      priority: 'routine',
      subject: { reference: patient },
      requester: { reference: requester },
      authoredOn: '2026-11-20T09:00:00Z',
      specimen: [{ reference: specimenUrl }],
      ...(opts.lab ? { performer: [{ reference: opts.lab }] } : {}),
    };
    entry.push({ fullUrl: specimenUrl, resource: specimen, request: { method: 'POST', url: 'Specimen' } });
    entry.push({ resource: order, request: { method: 'POST', url: 'ServiceRequest' } });
  });
  return { resourceType: 'Bundle', type: 'transaction', entry };
}

export const flag = (code: string) => [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation', code }] }];

export function potassium(patient: string, value: number, interpretation: string | undefined): Observation {
  return {
    resourceType: 'Observation',
    status: 'final',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] }],
    code: { coding: [{ system: 'http://loinc.org', code: '2823-3', display: 'Potassium [Moles/volume] in Serum or Plasma' }], text: 'Potassium' },
    subject: { reference: patient },
    effectiveDateTime: '2026-11-21T08:00:00Z',
    valueQuantity: { value, unit: 'mmol/L', system: 'http://unitsofmeasure.org', code: 'mmol/L' },
    referenceRange: [{ low: { value: 3.5, unit: 'mmol/L' }, high: { value: 5.1, unit: 'mmol/L' } }],
    ...(interpretation ? { interpretation: flag(interpretation) } : {}),
  };
}

/** A lab's result Bundle: the report and its Observations, in one transaction. */
export function reportBundle(report: Omit<DiagnosticReport, 'result'>, observations: Observation[]): Bundle {
  const urls = observations.map((_, i) => `urn:uuid:10000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
  return {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: [
      ...observations.map((o, i) => ({ fullUrl: urls[i], resource: o, request: { method: 'POST' as const, url: 'Observation' } })),
      { resource: { ...report, result: urls.map((reference) => ({ reference })) } as DiagnosticReport, request: { method: 'POST', url: 'DiagnosticReport' } },
    ],
  };
}

/** The id of the resource of `type` a transaction response created (the n-th of them). */
export function createdId(response: Bundle, type: string, n = 0): string {
  const locations = (response.entry ?? []).map((e) => e.response?.location ?? '').filter((l) => l.startsWith(`${type}/`));
  const loc = locations[n];
  if (!loc) throw new Error(`no ${type} #${n} in the response`);
  return loc.split('/')[1]!;
}

export const resources = <T extends Resource>(bundle: Bundle): T[] => (bundle.entry ?? []).filter((e) => e.search?.mode !== 'include').map((e) => e.resource as T);
