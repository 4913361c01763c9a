/**
 * Companion writes: resources the server derives from a write and commits in the same
 * transaction, so that the derived facts exist exactly when the write does. An e-prescription's
 * NewRx message beside the signed MedicationRequest, or a lab order marked complete when its final
 * report arrives, are companions. Each companion is a function of the resource being written (and
 * the version it replaces); it reads what it needs through the transaction's repository and
 * answers the resources to create (no id, or a new one) or replace (with the version replaced).
 * Companion writes do not trigger companions in turn. Which companions run is the server's
 * configuration, passed to each Repository: there is no global registry.
 */
import type { Resource } from '@medplum/fhirtypes';
import type { Repository } from './repository.ts';

export interface CompanionWrite {
  resource: Resource;
  /** The version this write replaces; 0 (or absent) creates the resource. */
  previousVersion?: number;
}

export interface CompanionTrigger {
  /** The resource as it is about to be stored (id and meta set); null for a deletion. */
  resource: Resource | null;
  resourceType: string;
  id: string;
  /** The version the write replaces; 0 when the resource is new. */
  previousVersion: number;
  /**
   * Every resource written in the same batch (a transaction Bundle), by `Type/id`: a companion
   * reads these here, as they are not stored yet (a report's Observations posted with it).
   */
  batch?: ReadonlyMap<string, Resource>;
}

/**
 * Derives companion writes for one write; `repo` runs in the write's transaction. `wants`, when
 * given, tells from the stored resource alone whether there may be anything to do: a write that
 * no companion wants commits as it would without companions (no transaction of its own).
 */
export type Companion = ((trigger: CompanionTrigger, repo: Repository) => Promise<CompanionWrite[]>) & { wants?: (resource: Resource | null) => boolean };

/** The companions of each resource type. */
export class Companions {
  private readonly byType = new Map<string, Companion[]>();

  constructor(entries: ReadonlyArray<readonly [resourceType: string, companion: Companion]> = []) {
    for (const [type, c] of entries) this.byType.set(type, [...(this.byType.get(type) ?? []), c]);
  }

  /** A copy with one more companion. */
  with(resourceType: string, companion: Companion): Companions {
    const entries: [string, Companion][] = [];
    for (const [type, list] of this.byType) for (const c of list) entries.push([type, c]);
    return new Companions([...entries, [resourceType, companion]]);
  }

  /** Whether a companion of the type may act on this write (`content`: the stored JSON, null for a deletion). */
  has(resourceType: string, content?: string | null): boolean {
    const list = this.byType.get(resourceType);
    if (!list) return false;
    if (content === undefined || list.some((c) => !c.wants)) return true;
    const resource = content === null ? null : (JSON.parse(content) as Resource);
    return list.some((c) => c.wants!(resource));
  }

  for(resourceType: string): readonly Companion[] {
    return this.byType.get(resourceType) ?? [];
  }
}
