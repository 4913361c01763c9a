/**
 * Reconciliation's view model: `$reconcile-preview`'s items beside the local lists (medications,
 * allergies, problems), the clinician's decision per incoming item (accept, reject, or merge into
 * a chosen local item), and the `$import-external` Parameters those decisions make. An item the
 * server says was decided before keeps that decision and is not sent again. Pure: no I/O.
 */
import type { Parameters, ParametersParameter, Resource } from '@medplum/fhirtypes';
import { recordItem, type RecordItem } from './record-groups.ts';

export type ListKey = 'medications' | 'allergies' | 'problems';
export type MatchKind = 'duplicate' | 'possible' | 'new';
export type Action = 'accept' | 'reject' | 'merge';

export const LISTS: { key: ListKey; title: string }[] = [
  { key: 'medications', title: 'Medications' },
  { key: 'allergies', title: 'Allergies' },
  { key: 'problems', title: 'Problems' },
];

export const MATCH_LABELS: Record<MatchKind, string> = { duplicate: 'Duplicate', possible: 'Possible duplicate', new: 'New' };

export interface IncomingItem extends RecordItem {
  list: ListKey;
  match: MatchKind;
  /** Why the server thinks it matches (or not). */
  reason: string | undefined;
  /** `Type/id` of the local item it matches. */
  local: string | undefined;
  /** A decision taken before (in an earlier import). */
  decided: 'accepted' | 'rejected' | 'merged' | undefined;
}

export interface LocalItem extends RecordItem {
  /** `Type/id` */
  ref: string;
}

export interface ReconcileList {
  key: ListKey;
  title: string;
  local: LocalItem[];
  incoming: IncomingItem[];
}

export interface Decision {
  action: Action;
  /** `Type/id` of the local item, for merge. */
  target?: string;
}

export type Decisions = Readonly<Record<string, Decision>>;

const LIST_KEYS = new Set<string>(['medications', 'allergies', 'problems']);
const MATCHES = new Set<string>(['duplicate', 'possible', 'new']);
const DECIDED = new Set<string>(['accepted', 'rejected', 'merged']);

const LIST_OF_TYPE: Record<string, ListKey> = { MedicationRequest: 'medications', MedicationStatement: 'medications', AllergyIntolerance: 'allergies', Condition: 'problems' };

/** Which list a local resource belongs to, or none. */
export const listOf = (resource: Resource): ListKey | undefined => LIST_OF_TYPE[resource.resourceType];

const part = (p: ParametersParameter, name: string) => p.part?.find((x) => x.name === name);

/** The preview's items; parts that are not well formed are left out. */
export function readPreview(preview: Parameters | undefined): IncomingItem[] {
  const out: IncomingItem[] = [];
  (preview?.parameter ?? []).forEach((p, i) => {
    if (p.name !== 'item') return;
    // R4's `resource` part, or `valueResource` as the exchange contract spells it.
    const incoming = part(p, 'incoming');
    const resource = incoming?.resource ?? (incoming as { valueResource?: Resource } | undefined)?.valueResource;
    const list = part(p, 'list')?.valueCode ?? (resource ? listOf(resource) : undefined);
    if (!resource || !list || !LIST_KEYS.has(list)) return;
    const match = part(p, 'match')?.valueCode;
    const decided = part(p, 'decided')?.valueCode;
    const base = recordItem(resource, i);
    out.push({
      ...base,
      key: `${base.key}#${i}`,
      list: list as ListKey,
      match: match && MATCHES.has(match) ? (match as MatchKind) : 'new',
      reason: part(p, 'reason')?.valueString,
      local: part(p, 'local')?.valueReference?.reference,
      decided: decided && DECIDED.has(decided) ? (decided as IncomingItem['decided']) : undefined,
    });
  });
  return out;
}

/** The three lists side by side: the local entries (not entered in error) and the incoming ones. */
export function reconcileLists(local: readonly Resource[], incoming: readonly IncomingItem[]): ReconcileList[] {
  const live = local.filter((r) => (r as { status?: string }).status !== 'entered-in-error' && !(r as { verificationStatus?: { coding?: { code?: string }[] } }).verificationStatus?.coding?.some((c) => c.code === 'entered-in-error'));
  return LISTS.map(({ key, title }) => ({
    key,
    title,
    local: live.filter((r) => listOf(r) === key).map((r, i) => ({ ...recordItem(r, i), ref: `${r.resourceType}/${r.id ?? ''}` })),
    incoming: incoming.filter((x) => x.list === key),
  }));
}

/** The local items an incoming item's match points at, by list: for highlighting the left side. */
export function matchedLocal(list: ReconcileList): Map<string, IncomingItem[]> {
  const out = new Map<string, IncomingItem[]>();
  for (const x of list.incoming) if (x.local && x.match !== 'new') out.set(x.local, [...(out.get(x.local) ?? []), x]);
  return out;
}

/** The decision to offer first: merge into the matched item for a duplicate, none otherwise. */
export function suggestion(item: IncomingItem): Decision | undefined {
  if (item.decided) return undefined;
  if (item.match === 'duplicate' && item.local) return { action: 'merge', target: item.local };
  return undefined;
}

export function decide(decisions: Decisions, key: string, decision: Decision | undefined): Decisions {
  const next = { ...decisions };
  if (decision) next[key] = decision;
  else delete next[key];
  return next;
}

/** What is wrong with the decisions: a merge without its local item. */
export function decisionErrors(items: readonly IncomingItem[], decisions: Decisions): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const x of items) {
    const d = decisions[x.key];
    if (d?.action === 'merge' && !d.target) errors[x.key] = 'Pick the local item to merge into';
  }
  return errors;
}

/** The `$import-external` parameters for the decided, not yet imported items. */
export function importParameters(partner: string, items: readonly IncomingItem[], decisions: Decisions): ParametersParameter[] {
  const chosen = items.filter((x) => !x.decided && decisions[x.key]);
  return [
    { name: 'partner', valueReference: { reference: partner } },
    ...chosen.map((x): ParametersParameter => {
      const d = decisions[x.key]!;
      return {
        name: 'item',
        part: [
          { name: 'resource', resource: x.resource },
          { name: 'action', valueCode: d.action },
          ...(d.action === 'merge' && d.target ? [{ name: 'target', valueReference: { reference: d.target } }] : []),
        ],
      };
    }),
  ];
}

/** How many items have a decision waiting to be sent. */
export const pendingCount = (items: readonly IncomingItem[], decisions: Decisions): number => items.filter((x) => !x.decided && decisions[x.key]).length;

/** What the import changed: the references it created and updated, and how many items it recorded as rejected. */
export function readImport(result: Parameters | undefined): { created: string[]; updated: string[]; rejected: number } {
  const named = (name: string) => (result?.parameter ?? []).filter((p) => p.name === name);
  const refs = (name: string) => named(name).map((p) => p.valueReference?.reference).filter((r): r is string => Boolean(r));
  return { created: refs('created'), updated: refs('updated'), rejected: named('rejected').length };
}
