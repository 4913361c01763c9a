/**
 * Merge and unmerge of two Patient records of one organization, without HTTP.
 *
 * Merge, in one transaction: every resource referencing the source patient (the merged-away
 * duplicate) is rewritten to reference the target (the survivor) and stored as a new version,
 * so its history keeps the old one; the source gets `active: false` and `link: replaced-by`
 * the target, the target `link: replaces` the source; what moved, and where in each resource,
 * goes into `patient_merge`. Not moved: other Patients (their links are statements about
 * identity, not data) and signed Compositions, which never change once signed
 * (store/signed-notes.ts): they keep naming the source, whose link leads to the survivor.
 *
 * Unmerge moves exactly the recorded references back (those since edited to name someone else
 * stay), removes both links and restores the source's `active`.
 */
import { randomUUID } from 'node:crypto';
import type { Patient, PatientLink, Resource } from '@medplum/fhirtypes';
import { badRequest, conflict, notFound } from '@continuum/fhir';
import type { Repository } from '../../store/repository.ts';
import { LOCKED_TYPES } from '../../store/signed-notes.ts';
import { insertMerge, lockPatients, markUnmerged, mergeInForce, referencing, type MovedResource } from './merge-store.ts';
import { restoreReferences, rewriteReferences } from './references.ts';

export interface MergePlan {
  source: Patient;
  target: Patient;
  /** What moves (preview) or moved. */
  moved: MovedResource[];
  /** What references the source but stays: type/id and why. */
  skipped: { type: string; id: string; reason: string }[];
}

const SIGNED = new Set(['final', 'amended', 'entered-in-error']);
const linkTo = (p: Patient, type: PatientLink['type'], other: string): boolean => (p.link ?? []).some((l) => l.type === type && l.other?.reference === `Patient/${other}`);

async function readPatient(repo: Repository, id: string, role: string): Promise<Patient> {
  try {
    return (await repo.read('Patient', id)) as Patient;
  } catch (err) {
    const status = (err as { status?: number }).status;
    if (status === 404 || status === 410) throw notFound(`The ${role} patient Patient/${id} is not known`);
    throw err;
  }
}

/** What a merge of `sourceId` into `targetId` would move, checking that it may happen (400 / 409). */
export async function planMerge(repo: Repository, sourceId: string, targetId: string): Promise<MergePlan> {
  if (sourceId === targetId) throw badRequest('A patient cannot be merged into itself');
  const source = await readPatient(repo, sourceId, 'source');
  const target = await readPatient(repo, targetId, 'target');
  if ((source.link ?? []).some((l) => l.type === 'replaced-by') || (await mergeInForce(repo.queryable, repo.tenantId, sourceId, false))) {
    throw conflict(`Patient/${sourceId} is already merged into another patient; unmerge it first`);
  }
  if ((target.link ?? []).some((l) => l.type === 'replaced-by')) {
    throw conflict(`Patient/${targetId} was merged into another patient: merge into that one instead`);
  }
  const moved: MovedResource[] = [];
  const skipped: MergePlan['skipped'] = [];
  for (const { type, id } of await referencing(repo.queryable, repo.tenantId, sourceId)) {
    if (type === 'Patient') {
      skipped.push({ type, id, reason: 'links between patients are not moved' });
      continue;
    }
    const current = await repo.read(type, id);
    if (LOCKED_TYPES.has(type) && SIGNED.has((current as { status?: string }).status ?? '')) {
      skipped.push({ type, id, reason: 'a signed note never changes' });
      continue;
    }
    const { refs } = rewriteReferences(current, sourceId, targetId);
    if (refs.length > 0) moved.push({ type, id, refs });
  }
  return { source, target, moved, skipped };
}

/** Merges (see the header). `by` names who did it, for the record. */
export async function mergePatients(repo: Repository, sourceId: string, targetId: string, by: string): Promise<MergePlan> {
  return repo.inTransaction(async (tx) => {
    await lockPatients(tx.queryable, tx.tenantId, [sourceId, targetId]);
    const plan = await planMerge(tx, sourceId, targetId);
    for (const m of plan.moved) {
      const stored = await tx.readStored(m.type, m.id);
      const { resource, refs } = rewriteReferences(JSON.parse(stored.content!) as Resource, sourceId, targetId);
      m.refs = refs;
      await tx.update(m.type, m.id, resource, { ifMatch: stored.versionId });
    }
    const source: Patient = { ...plan.source, active: false, link: [...(plan.source.link ?? []), { other: { reference: `Patient/${targetId}` }, type: 'replaced-by' }] };
    const target: Patient = linkTo(plan.target, 'replaces', sourceId) ? plan.target : { ...plan.target, link: [...(plan.target.link ?? []), { other: { reference: `Patient/${sourceId}` }, type: 'replaces' }] };
    const writtenSource = (await tx.update('Patient', sourceId, source)).resource as Patient;
    const writtenTarget = (await tx.update('Patient', targetId, target)).resource as Patient;
    await insertMerge(tx.queryable, tx.tenantId, {
      id: randomUUID(),
      sourceId,
      targetId,
      mergedAt: new Date().toISOString(),
      mergedBy: by,
      moved: plan.moved,
      sourceActive: typeof plan.source.active === 'boolean' ? plan.source.active : null,
    });
    return { ...plan, source: writtenSource, target: writtenTarget };
  });
}

export interface UnmergeResult {
  source: Patient;
  target: Patient;
  /** Resources whose references went back to the source. */
  restored: { type: string; id: string }[];
  /** Recorded resources left as they are (deleted since, or edited to name someone else). */
  unchanged: { type: string; id: string; reason: string }[];
}

export async function unmergePatient(repo: Repository, sourceId: string, by: string): Promise<UnmergeResult> {
  return repo.inTransaction(async (tx) => {
    await readPatient(tx, sourceId, 'source');
    const found = await mergeInForce(tx.queryable, tx.tenantId, sourceId, false);
    if (!found) throw conflict(`Patient/${sourceId} is not merged into another patient`);
    await lockPatients(tx.queryable, tx.tenantId, [sourceId, found.targetId]);
    // Read again under the lock: a concurrent unmerge may have finished meanwhile.
    const record = await mergeInForce(tx.queryable, tx.tenantId, sourceId);
    if (!record) throw conflict(`Patient/${sourceId} is not merged into another patient`);
    const restored: UnmergeResult['restored'] = [];
    const unchanged: UnmergeResult['unchanged'] = [];
    for (const m of record.moved) {
      const stored = await tx.readStored(m.type, m.id).catch((err: unknown) => {
        if ((err as { status?: number }).status === 410) return undefined;
        throw err;
      });
      if (!stored?.content) {
        unchanged.push({ type: m.type, id: m.id, reason: 'deleted since the merge' });
        continue;
      }
      const { resource, restored: n } = restoreReferences(JSON.parse(stored.content) as Resource, m.refs, record.targetId);
      if (n === 0) {
        unchanged.push({ type: m.type, id: m.id, reason: 'no longer names the surviving patient' });
        continue;
      }
      await tx.update(m.type, m.id, resource, { ifMatch: stored.versionId });
      restored.push({ type: m.type, id: m.id });
    }
    const src = (await tx.read('Patient', sourceId)) as Patient;
    const { active: _active, link: srcLinks, ...srcRest } = src;
    const keptSrcLinks = (srcLinks ?? []).filter((l) => !(l.type === 'replaced-by' && l.other?.reference === `Patient/${record.targetId}`));
    const source: Patient = { ...srcRest, ...(record.sourceActive !== null ? { active: record.sourceActive } : {}), ...(keptSrcLinks.length ? { link: keptSrcLinks } : {}) };
    const tgt = (await tx.read('Patient', record.targetId)) as Patient;
    const { link: tgtLinks, ...tgtRest } = tgt;
    const keptTgtLinks = (tgtLinks ?? []).filter((l) => !(l.type === 'replaces' && l.other?.reference === `Patient/${sourceId}`));
    const target: Patient = { ...tgtRest, ...(keptTgtLinks.length ? { link: keptTgtLinks } : {}) };
    const writtenSource = (await tx.update('Patient', sourceId, source)).resource as Patient;
    const writtenTarget = (await tx.update('Patient', record.targetId, target)).resource as Patient;
    await markUnmerged(tx.queryable, tx.tenantId, record.id, by, new Date().toISOString());
    return { source: writtenSource, target: writtenTarget, restored, unchanged };
  });
}
