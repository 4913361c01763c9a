/**
 * `GET /fhir/Patient/$duplicates?minScore=0.8&_count=50` → Parameters with one `pair` per likely
 * duplicate within this organization, best first: parts a, b (Reference), score (decimal),
 * grade (code). The tenant's Patients (up to MAX_SCANNED, oldest first) are paired by blocking
 * (mpi/blocking.ts) and scored; merged-away records are left out.
 */
import type { Parameters, Patient } from '@medplum/fhirtypes';
import { badRequest } from '@continuum/fhir';
import type { ApiContext, FhirRequest, FhirResponse } from '../../api/types.ts';
import { queryValue } from '../../api/types.ts';
import { candidatePairs } from '../mpi/blocking.ts';
import { mergedAway, scorePair, type PairScore } from '../mpi/matcher.ts';
import { numberInput } from '../mpi/operation-values.ts';
import { requireRecordsStaff } from './access.ts';
import { tenantPatients } from './merge-store.ts';

const OP = '$duplicates';
export const MAX_SCANNED = 50_000;

export async function duplicatesOperation(ctx: ApiContext, req: FhirRequest): Promise<FhirResponse> {
  requireRecordsStaff(ctx, 'list duplicate patients');
  for (const [k] of req.query) if (!['minScore', '_count', '_format', '_pretty'].includes(k)) throw badRequest(`${OP}: the parameter '${k}' is not supported (use minScore, _count)`);
  const minScore = numberInput(req, OP, 'minScore', { min: 0, max: 1 }) ?? 0.8;
  const countText = queryValue(req, '_count');
  const count = countText === undefined ? 50 : Number(countText);
  if (!Number.isInteger(count) || count < 1 || count > 500) throw badRequest(`${OP}: '_count' must be an integer from 1 to 500`);

  const patients = (await tenantPatients(ctx.repo.queryable, ctx.repo.tenantId, MAX_SCANNED)).filter((p) => !mergedAway(p));
  const pairs: { a: Patient; b: Patient; s: PairScore }[] = [];
  for (const [i, j] of candidatePairs(patients)) {
    const s = scorePair(patients[i]!, patients[j]!);
    if (s.score >= minScore && s.grade !== 'certainly-not') pairs.push({ a: patients[i]!, b: patients[j]!, s });
  }
  pairs.sort((x, y) => y.s.weight - x.s.weight || (x.a.id ?? '').localeCompare(y.a.id ?? ''));
  const body: Parameters = {
    resourceType: 'Parameters',
    parameter: pairs.slice(0, count).map(({ a, b, s }) => ({
      name: 'pair',
      part: [
        { name: 'a', valueReference: { reference: `Patient/${a.id ?? ''}`, display: displayName(a) } },
        { name: 'b', valueReference: { reference: `Patient/${b.id ?? ''}`, display: displayName(b) } },
        { name: 'score', valueDecimal: Math.round(s.score * 10_000) / 10_000 },
        { name: 'grade', valueCode: s.grade },
      ],
    })),
  };
  return { status: 200, headers: {}, body };
}

function displayName(p: Patient): string {
  const n = p.name?.[0];
  return [...(n?.given ?? []), n?.family].filter(Boolean).join(' ') || (p.id ?? '');
}
