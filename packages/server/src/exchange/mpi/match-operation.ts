/**
 * `POST /fhir/Patient/$match` (FHIR R4): the Patients of this organization that may be the one
 * described, best first, as a searchset whose entries carry the score and the match-grade
 * extension. Inputs: `resource` (the Patient), `onlyCertainMatches`, `count` (1..100, default 10).
 *
 * Staff and system callers get what their access lets them search. A partner deployment (a
 * principal with `partner`) must state its purpose of use (`x-purpose-of-use`, 400 without),
 * gets only the patients whose consent permits disclosure to it for that purpose, and every
 * answer is audited (action export) with one disclosure recorded per patient returned.
 */
import type { Bundle, BundleEntry, Patient } from '@medplum/fhirtypes';
import { badRequest } from '@continuum/fhir';
import type { ApiContext, FhirRequest, FhirResponse } from '../../api/types.ts';
import { OperationInputs } from '../../portal/operation-inputs.ts';
import { MATCH_GRADE_EXT } from '../codes.ts';
import { consentDecision } from '../consent/consent.ts';
import { recordDisclosure } from '../consent/disclosures.ts';
import { PURPOSE_HEADER, type PurposeOfUse } from '../types.ts';
import { findMatches, type MatchResult } from './matcher.ts';
import { booleanInput, integerInput, resourceInput } from './operation-values.ts';
import { auditActor } from '../../auth/audit-sink.ts';

const OP = '$match';
const DEFAULT_COUNT = 10;
const MAX_COUNT = 100;
export const PURPOSES: readonly PurposeOfUse[] = ['TREAT', 'ETREAT', 'HPAYMT', 'HOPERAT', 'PUBHLTH', 'PATRQT', 'COC'];

interface MatchInputs {
  query: Patient;
  count: number;
  onlyCertainMatches: boolean;
}

function readInputs(ctx: ApiContext, req: FhirRequest): MatchInputs {
  if (req.body === undefined) throw badRequest(`${OP} takes a Parameters resource in the body`);
  OperationInputs.read(req, OP, ['resource', 'onlyCertainMatches', 'count']);
  const resource = resourceInput<Patient>(req, OP, 'resource', 'Patient');
  if (!resource) throw badRequest(`${OP}: 'resource' is required`);
  // The store's validator: a malformed Patient is a 4xx, never a crash in the comparisons.
  const query = ctx.repo.validate(resource) as Patient;
  return {
    query,
    count: integerInput(req, OP, 'count', { min: 1, max: MAX_COUNT }) ?? DEFAULT_COUNT,
    onlyCertainMatches: booleanInput(req, OP, 'onlyCertainMatches') ?? false,
  };
}

export function purposeOf(req: FhirRequest): PurposeOfUse {
  const v = req.headers[PURPOSE_HEADER]?.trim();
  if (!v) throw badRequest(`A partner request must state its purpose of use in the ${PURPOSE_HEADER} header`);
  if (!(PURPOSES as readonly string[]).includes(v)) throw badRequest(`${PURPOSE_HEADER} must be one of ${PURPOSES.join(', ')}`);
  return v as PurposeOfUse;
}

function bundle(ctx: ApiContext, results: MatchResult[]): Bundle {
  const entry: BundleEntry[] = results.map((r) => ({
    fullUrl: `${ctx.baseUrl}/Patient/${r.patient.id ?? ''}`,
    resource: r.patient,
    search: { mode: 'match', score: Math.round(r.score * 10_000) / 10_000, extension: [{ url: MATCH_GRADE_EXT, valueCode: r.grade }] },
  }));
  return { resourceType: 'Bundle', type: 'searchset', total: entry.length, entry };
}

export async function matchOperation(ctx: ApiContext, req: FhirRequest): Promise<FhirResponse> {
  const partner = ctx.principal?.partner;
  // A partner's purpose is checked before anything else is read.
  const purpose = partner ? purposeOf(req) : undefined;
  const { query, count, onlyCertainMatches } = readInputs(ctx, req);
  if (!partner || !purpose) {
    const results = await findMatches(ctx.repo, query, { count, onlyCertainMatches });
    return { status: 200, headers: {}, body: bundle(ctx, results) };
  }
  // Consent is decided per candidate: rank first, then keep the permitted, up to `count`.
  const candidates = await findMatches(ctx.repo, query, { count: MAX_COUNT, onlyCertainMatches });
  const permitted: MatchResult[] = [];
  let withheld = 0;
  const now = new Date();
  for (const c of candidates) {
    if (permitted.length >= count) break;
    const decision = await consentDecision(ctx.repo, c.patient.id!, partner.organizationId, purpose, now, ctx.exchange?.consentDefault);
    if (decision.permit) permitted.push(c);
    else withheld++;
  }
  for (const p of permitted) {
    await recordDisclosure(ctx.repo, { patient: p.patient.id!, organizationId: partner.organizationId, organizationName: partner.name, purpose, kind: 'match', resources: 1, outcome: 'disclosed', at: now });
  }
  await ctx.exchange?.audit.record({
    ...auditActor(ctx.principal!),
    action: 'export',
    outcome: 'success',
    patients: permitted.map((p) => p.patient.id!),
    resource: 'Patient/$match',
    detail: `match for Organization/${partner.organizationId} for ${purpose}: ${permitted.length} patients returned, ${withheld} withheld by consent`,
  });
  return { status: 200, headers: {}, body: bundle(ctx, permitted) };
}
