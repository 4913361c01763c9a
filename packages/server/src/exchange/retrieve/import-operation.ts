/**
 * `POST Patient/[id]/$import-external` (physicians, nurses, admins): the clinician's decisions on
 * incoming items. Parameters {partner (valueReference Organization), purpose (valueCode, default
 * TREAT), item (repeating, parts: resource (the incoming resource, with meta.source = its remote
 * URL), action (valueCode accept | reject | merge), target (valueReference, for merge: a local
 * resource of the same type in this patient's record))}. Everything is checked first, then written
 * in one transaction (a bad item is a 400 and nothing is written):
 * - accept → a local copy (local-copy.ts) plus a Provenance (author = the partner organization,
 *   enterer = the user, entity source = the remote URL);
 * - merge → the target updated (note, onset widened; its id kept) plus a Provenance naming the
 *   new version, the previous one and the remote URL;
 * - reject → only recorded, so that `$reconcile-preview` shows it decided.
 * Every decision is recorded by remote URL (received-store.ts). Answer: Parameters {created,
 * updated (valueReference, repeated), rejected (valueString: the remote URL, repeated)}.
 */
import type { Parameters, ParametersParameter, Reference, Resource } from '@medplum/fhirtypes';
import { badRequest, isOutcomeError } from '@continuum/fhir';
import type { ApiContext, FhirRequest, FhirResponse } from '../../api/types.ts';
import { OperationInputs } from '../../portal/operation-inputs.ts';
import type { Repository } from '../../store/repository.ts';
import { actorOf, checkCaller, CLINICAL_STAFF } from '../consent/caller.ts';
import { PARTNER_TAG } from '../codes.ts';
import { purposeInput } from './external-operations.ts';
import type { Source } from './external-marks.ts';
import { remoteUrlOf } from './external-marks.ts';
import { IMPORTABLE, localCopy, mergedInto, provenance } from './local-copy.ts';
import { ReceivedStore } from './received-store.ts';

const OP = '$import-external';
const MAX_ITEMS = 200;

interface Item {
  resource: Resource;
  remoteUrl: string;
  action: 'accept' | 'reject' | 'merge';
  target?: Resource;
}

/** The partner, known here as a partner (directory, or an Organization tagged as one). */
async function sourceOf(ctx: ApiContext, organizationId: string): Promise<Source> {
  const listed = await ctx.exchange?.partners(ctx.repo).get(organizationId);
  if (listed) return { organizationId, name: listed.name };
  const org = await ctx.repo.read('Organization', organizationId).catch((err: unknown) => {
    if (isOutcomeError(err)) throw badRequest(`${OP}: Organization/${organizationId} is not known`);
    throw err;
  });
  if (!(org.meta?.tag ?? []).some((t) => t.system === PARTNER_TAG.system && t.code === PARTNER_TAG.code)) throw badRequest(`${OP}: Organization/${organizationId} is not a partner organization`);
  return { organizationId, name: (org as { name?: string }).name ?? `Organization/${organizationId}` };
}

const inRecord = (repo: Repository, r: Resource, patientId: string): boolean => repo.indexer.index(r).compartments.includes(patientId);

async function readItems(ctx: ApiContext, parts: ParametersParameter[], patientId: string): Promise<Item[]> {
  if (parts.length === 0) throw badRequest(`${OP}: at least one 'item' is required`);
  if (parts.length > MAX_ITEMS) throw badRequest(`${OP}: at most ${MAX_ITEMS} items at once`);
  const seen = new Set<string>();
  const items: Item[] = [];
  for (const [n, p] of parts.entries()) {
    const at = `${OP}: item ${n + 1}`;
    const part = (name: string) => (p.part ?? []).filter((x) => x.name === name);
    const given = part('resource')[0];
    // R4 carries a resource in `resource`; `valueResource` (R5's name) is read too.
    const resource = given?.resource ?? (given as { valueResource?: Resource } | undefined)?.valueResource;
    if (!resource || !IMPORTABLE.has(resource.resourceType)) throw badRequest(`${at}: 'resource' must be a ${[...IMPORTABLE].join(', ')}`);
    const remoteUrl = remoteUrlOf(resource);
    if (!remoteUrl) throw badRequest(`${at}: the resource needs meta.source, its URL at the partner`);
    if (seen.has(remoteUrl)) throw badRequest(`${at}: ${remoteUrl} is given twice`);
    seen.add(remoteUrl);
    const action = part('action')[0]?.valueCode;
    if (action !== 'accept' && action !== 'reject' && action !== 'merge') throw badRequest(`${at}: 'action' must be accept, reject or merge`);
    const item: Item = { resource, remoteUrl, action };
    if (action === 'merge') {
      const m = /^([A-Za-z]+)\/([A-Za-z0-9.-]{1,64})$/.exec(part('target')[0]?.valueReference?.reference ?? '');
      if (!m) throw badRequest(`${at}: a merge needs 'target', a reference to the local item`);
      if (m[1] !== resource.resourceType) throw badRequest(`${at}: a ${resource.resourceType} merges only into a ${resource.resourceType}`);
      const target = await ctx.repo.read(m[1], m[2]!).catch((err: unknown) => {
        if (isOutcomeError(err)) throw badRequest(`${at}: ${m[0]} is not known`);
        throw err;
      });
      if (!inRecord(ctx.repo, target, patientId)) throw badRequest(`${at}: ${m[0]} is not in this patient's record`);
      if (seen.has(m[0])) throw badRequest(`${at}: ${m[0]} is the target of two merges`);
      seen.add(m[0]);
      item.target = target;
    }
    items.push(item);
  }
  return items;
}

export async function importExternalOperation(ctx: ApiContext, req: FhirRequest, patientId: string): Promise<FhirResponse> {
  const p = await checkCaller(ctx, patientId, { roles: CLINICAL_STAFF, patients: false, scope: { type: 'Provenance', permission: 'c' }, operation: OP });
  if (req.method !== 'POST' || typeof req.body !== 'object' || req.body === null || (req.body as Parameters).resourceType !== 'Parameters') throw badRequest(`${OP} takes a Parameters resource in the body`);
  const all = (req.body as Parameters).parameter ?? [];
  const inputs = OperationInputs.read({ ...req, query: [], body: { resourceType: 'Parameters', parameter: all.filter((x) => x.name !== 'item') } }, OP, ['partner', 'purpose']);
  const source = await sourceOf(ctx, inputs.requiredReference('partner', 'Organization'));
  const purpose = purposeInput(inputs, OP);
  await ctx.repo.readStored('Patient', patientId);
  const items = await readItems(ctx, all.filter((x) => x.name === 'item'), patientId);
  const enterer = actorOf(p);
  const now = new Date();
  const created: Reference[] = [];
  const updated: Reference[] = [];
  const rejected: string[] = [];
  await ctx.repo.inTransaction(async (repo) => {
    const store = new ReceivedStore(repo.queryable, repo.tenantId);
    const by = enterer.reference ?? enterer.display;
    for (const item of items) {
      if (item.action === 'reject') {
        await store.decide(patientId, { sourceUrl: item.remoteUrl, organizationId: source.organizationId, decision: 'rejected' }, by, now);
        rejected.push(item.remoteUrl);
        continue;
      }
      if (item.action === 'accept') {
        const { resource } = await repo.create(localCopy(item.resource, patientId, source, item.remoteUrl));
        const target = { reference: `${resource.resourceType}/${resource.id!}` };
        await repo.create(provenance({ target: { reference: `${target.reference}/_history/${resource.meta?.versionId ?? '1'}` }, activity: 'CREATE', source, remoteUrl: item.remoteUrl, enterer, purpose, now }));
        await store.decide(patientId, { sourceUrl: item.remoteUrl, organizationId: source.organizationId, decision: 'accepted', localRef: target.reference }, by, now);
        created.push(target);
        continue;
      }
      const old = item.target!;
      const { resource } = await repo.update(old.resourceType, old.id!, mergedInto(old, item.resource, source, item.remoteUrl, now));
      const target = { reference: `${resource.resourceType}/${resource.id!}` };
      await repo.create(
        provenance({
          target: { reference: `${target.reference}/_history/${resource.meta?.versionId ?? ''}` },
          activity: 'UPDATE',
          source,
          remoteUrl: item.remoteUrl,
          enterer,
          purpose,
          previous: { reference: `${target.reference}/_history/${old.meta?.versionId ?? ''}` },
          now,
        }),
      );
      await store.decide(patientId, { sourceUrl: item.remoteUrl, organizationId: source.organizationId, decision: 'merged', localRef: target.reference }, by, now);
      updated.push(target);
    }
  });
  const parameter: ParametersParameter[] = [
    ...created.map((r) => ({ name: 'created', valueReference: r })),
    ...updated.map((r) => ({ name: 'updated', valueReference: r })),
    ...rejected.map((u) => ({ name: 'rejected', valueString: u })),
  ];
  return { status: 200, headers: {}, body: { resourceType: 'Parameters', parameter } };
}
