/**
 * Which chart-summary cards the clinician dismissed in this browser session. A card is known by
 * its patient, service, topic and summary (a service may give the same card a new uuid on each
 * call), and the set lives in the tab's `sessionStorage`, passed in, so it ends with the session.
 * Storage that fails (full, or disabled) only means a dismissed card may show again.
 */
import type { CdsCard } from './cds-types.ts';

const KEY = 'continuum.cds.dismissed';

/** The part of the browser's `Storage` used here. */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export const dismissKey = (patientId: string, card: CdsCard): string => [patientId, card.serviceId, card.source.topic?.code ?? '', card.summary].join('|');

export function readDismissed(storage: Pick<KeyValueStore, 'getItem'> | undefined): Set<string> {
  try {
    const raw: unknown = JSON.parse(storage?.getItem(KEY) ?? '[]');
    return new Set(Array.isArray(raw) ? raw.filter((k): k is string => typeof k === 'string') : []);
  } catch {
    return new Set();
  }
}

/** The set with `key` added, written back to the storage. */
export function dismiss(storage: Pick<KeyValueStore, 'setItem'> | undefined, dismissed: ReadonlySet<string>, key: string): Set<string> {
  const next = new Set(dismissed).add(key);
  try {
    storage?.setItem(KEY, JSON.stringify([...next]));
  } catch {
    // Not kept beyond this screen; nothing else depends on it.
  }
  return next;
}
