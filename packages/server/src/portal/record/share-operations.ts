/**
 * Share links, for whoever may read the patient's summary (record-access.ts: the patient, their
 * proxy, or staff on the patient's behalf); making and revoking one also needs write access:
 * - `POST Patient/[id]/$share` Parameters `format` (fhir | pdf), `expiresInHours` (1-720, default
 *   72), `recipient` (free text, optional) → Parameters `id`, `url`, `expires`. The url is the only
 *   place the token ever appears.
 * - `GET Patient/[id]/$shares` → Parameters with one `share` part per link, newest first.
 * - `POST Patient/[id]/$share-revoke` Parameters `id` → Parameters `share` (the revoked link).
 * Opening a link is share-route.ts's.
 */
import type { Parameters, ParametersParameter } from '@medplum/fhirtypes';
import { badRequest, notFound } from '@continuum/fhir';
import { integerInput, operationInputs, stringInput } from '../../api/operations/terminology-params.ts';
import type { ApiContext, FhirRequest, FhirResponse } from '../../api/types.ts';
import { summaryReader } from './record-access.ts';
import { type Share, type ShareFormat, ShareStore } from './share-store.ts';

const DEFAULT_HOURS = 72;
const MAX_HOURS = 720;
const MAX_RECIPIENT = 200;

const parameters = (parameter: ParametersParameter[]): FhirResponse => ({ status: 200, headers: {}, body: { resourceType: 'Parameters', parameter } satisfies Parameters });

/** The public address of share links: the FHIR base without its `/fhir`. */
export const shareUrl = (fhirBase: string, token: string): string => `${fhirBase.replace(/\/fhir$/, '')}/share/${token}`;

function sharePart(s: Share): ParametersParameter {
  return {
    name: 'share',
    part: [
      { name: 'id', valueString: s.id },
      ...(s.recipient !== undefined ? [{ name: 'recipient', valueString: s.recipient }] : []),
      { name: 'format', valueCode: s.format },
      { name: 'created', valueInstant: s.created },
      { name: 'expires', valueInstant: s.expires },
      { name: 'revoked', valueBoolean: s.revoked !== undefined },
      { name: 'accessCount', valueInteger: s.accessCount },
      ...(s.lastAccessed !== undefined ? [{ name: 'lastAccessed', valueInstant: s.lastAccessed }] : []),
    ],
  };
}

export async function shareOperation(ctx: ApiContext, req: FhirRequest, patientId: string): Promise<FhirResponse> {
  await summaryReader(ctx, patientId, { disclose: true });
  const inputs = operationInputs(req, '$share');
  const format = stringInput(inputs, 'format', '$share') ?? 'pdf';
  if (format !== 'fhir' && format !== 'pdf') throw badRequest(`$share: 'format' must be fhir or pdf (got '${format}')`);
  const hours = integerInput(inputs, 'expiresInHours', '$share', DEFAULT_HOURS);
  if (hours < 1 || hours > MAX_HOURS) throw badRequest(`$share: 'expiresInHours' must be between 1 and ${MAX_HOURS}`);
  const recipient = stringInput(inputs, 'recipient', '$share')?.trim();
  if (recipient !== undefined && recipient.length > MAX_RECIPIENT) throw badRequest(`$share: 'recipient' is longer than ${MAX_RECIPIENT} characters`);
  const p = ctx.principal;
  const now = new Date();
  const { share, token } = await new ShareStore(ctx.repo.queryable).create({
    tenant: ctx.repo.tenantId,
    patientId,
    format: format as ShareFormat,
    ...(recipient ? { recipient } : {}),
    createdBy: p?.fhirUser ?? p?.username ?? p?.clientId ?? 'anonymous',
    now,
    expires: new Date(now.getTime() + hours * 3_600_000),
  });
  return parameters([
    { name: 'id', valueString: share.id },
    { name: 'url', valueUrl: shareUrl(ctx.baseUrl, token) },
    { name: 'expires', valueInstant: share.expires },
  ]);
}

export async function sharesOperation(ctx: ApiContext, _req: FhirRequest, patientId: string): Promise<FhirResponse> {
  await summaryReader(ctx, patientId);
  const shares = await new ShareStore(ctx.repo.queryable).list(ctx.repo.tenantId, patientId);
  return parameters(shares.map(sharePart));
}

export async function shareRevokeOperation(ctx: ApiContext, req: FhirRequest, patientId: string): Promise<FhirResponse> {
  await summaryReader(ctx, patientId, { disclose: true });
  const id = stringInput(operationInputs(req, '$share-revoke'), 'id', '$share-revoke');
  if (!id) throw badRequest("$share-revoke needs the link's 'id'");
  const revoked = await new ShareStore(ctx.repo.queryable).revoke(ctx.repo.tenantId, patientId, id, new Date());
  if (!revoked) throw notFound(`This patient has no share link ${id}`);
  return parameters([sharePart(revoked)]);
}
