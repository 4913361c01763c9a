/**
 * `GET Patient/[id]/$summary` (the patient summary as a FHIR document Bundle) and
 * `GET Patient/[id]/$summary-pdf` (the same summary printed, as a Binary holding the PDF), for
 * whoever may read the patient's record (record-access.ts). Both build the summary afresh from
 * the record at each call; neither stores anything.
 */
import type { Binary } from '@medplum/fhirtypes';
import type { ApiContext, FhirRequest, FhirResponse } from '../../api/types.ts';
import { summaryReader } from './record-access.ts';
import { buildSummary } from './summary-bundle.ts';
import { renderSummaryPdf } from './summary-pdf.ts';

async function summaryFor(ctx: ApiContext, patientId: string): ReturnType<typeof buildSummary> {
  const canSee = await summaryReader(ctx, patientId);
  return buildSummary({ repo: ctx.repo, baseUrl: ctx.baseUrl, patientId, canSee, now: new Date() });
}

export async function summaryOperation(ctx: ApiContext, _req: FhirRequest, patientId: string): Promise<FhirResponse> {
  const { bundle } = await summaryFor(ctx, patientId);
  return { status: 200, headers: {}, body: bundle };
}

export async function summaryPdfOperation(ctx: ApiContext, _req: FhirRequest, patientId: string): Promise<FhirResponse> {
  const { view } = await summaryFor(ctx, patientId);
  const pdf = await renderSummaryPdf(view);
  const binary: Binary = { resourceType: 'Binary', contentType: 'application/pdf', data: pdf.toString('base64') };
  return { status: 200, headers: {}, body: binary };
}
