/**
 * Who made each version of an entry. The server keeps a version's number and time; who wrote it
 * is in the audit trail, which clinicians may not read. So every list write is followed by a
 * Provenance naming the version it made (`Type/id/_history/n`), its author and the activity
 * (create or update). History reads them back; a Provenance naming the entry without a version
 * (as imported records carry) stands for its first version, and failing both, the first
 * version's recorder or asserter is used. Pure.
 */
import type { Provenance, Reference, Resource } from '@medplum/fhirtypes';
import { HL7, type Me } from './coding.ts';

export function provenanceFor(target: Resource, activity: 'CREATE' | 'UPDATE', me: Me, now: Date = new Date()): Provenance {
  return {
    resourceType: 'Provenance',
    target: [{ reference: `${target.resourceType}/${target.id ?? ''}/_history/${target.meta?.versionId ?? ''}` }],
    recorded: now.toISOString(),
    activity: { coding: [{ system: `${HL7}/v3-DataOperation`, code: activity, display: activity === 'CREATE' ? 'create' : 'revise' }] },
    agent: [{ type: { coding: [{ system: `${HL7}/provenance-participant-type`, code: 'author', display: 'Author' }] }, who: me }],
  };
}

const who = (r: Reference | undefined): string | undefined => r?.display ?? r?.reference;

/** The author of each version (by versionId) of `type/id`; key '' holds an unversioned claim. */
export function authorsByVersion(provenances: readonly Provenance[], type: string, id: string): Map<string, string> {
  const out = new Map<string, string>();
  const base = `${type}/${id}`;
  for (const p of provenances) {
    const author = who(p.agent.find((a) => a.type?.coding?.some((c) => c.code === 'author'))?.who ?? p.agent[0]?.who);
    if (!author) continue;
    for (const t of p.target) {
      const ref = t.reference ?? '';
      const m = /\/_history\/([^/]+)$/.exec(ref);
      if (m && ref.slice(0, m.index).endsWith(base)) out.set(m[1]!, author);
      else if (!m && (ref === base || ref.endsWith(`/${base}`)) && !out.has('')) out.set('', author);
    }
  }
  return out;
}

/** Who wrote `versionId`, from the Provenance map, else for the first version from the entry itself. */
export function authorOf(authors: Map<string, string>, versionId: string, firstVersion: boolean, entry: { recorder?: Reference; asserter?: Reference; informationSource?: Reference }): string | undefined {
  return authors.get(versionId) ?? (firstVersion ? (authors.get('') ?? who(entry.recorder) ?? who(entry.asserter) ?? who(entry.informationSource)) : undefined);
}
