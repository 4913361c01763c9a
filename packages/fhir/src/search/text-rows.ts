/**
 * Full-text rows: `_text` holds the narrative (`text.div` without its markup) and `_content` all
 * the human-readable text of the resource: every string value, except those that are machine
 * identifiers (systems, urls, references, ids, base64 data) or the narrative's markup itself. The
 * database turns each into an English text-search vector.
 */
import type { Resource } from '@medplum/fhirtypes';
import type { TextRow } from './index-rows.ts';

/** Keys whose string values are identifiers or payloads, not words a person would search for. */
const SKIPPED_KEYS = new Set([
  'id', 'system', 'url', 'reference', 'profile', 'data', 'fullUrl', 'resourceType', 'versionId',
  'lastUpdated', 'source', 'valueSet', 'div', 'contentType', 'hash', 'language', 'status',
  'use', 'instantiatesCanonical', 'instantiatesUri', 'uri', 'canonical',
]);

/** Longest text kept per row; text-search vectors have a 1 MB limit and huge text is noise. */
const MAX_TEXT = 100_000;

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** XHTML narrative to plain text: tags dropped, common entities decoded. */
export function narrativeText(div: string): string {
  return div
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(#x?[0-9a-f]+|[a-z]+);/gi, (m, e: string) => {
      if (e.startsWith('#x') || e.startsWith('#X')) return String.fromCodePoint(parseInt(e.slice(2), 16) || 32);
      if (e.startsWith('#')) return String.fromCodePoint(Number(e.slice(1)) || 32);
      return ENTITIES[e.toLowerCase()] ?? m;
    })
    .replace(/\s+/g, ' ')
    .trim();
}

function collect(value: unknown, key: string, out: string[], budget: { left: number }): void {
  if (budget.left <= 0) return;
  if (typeof value === 'string') {
    if (SKIPPED_KEYS.has(key) || value === '') return;
    out.push(value);
    budget.left -= value.length + 1;
  } else if (Array.isArray(value)) {
    for (const item of value) collect(item, key, out, budget);
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'text' && typeof v === 'object' && v !== null && 'div' in v) {
        const div = (v as { div?: unknown }).div;
        if (typeof div === 'string') collect(narrativeText(div), 'narrative', out, budget);
        continue;
      }
      collect(v, k, out, budget);
    }
  }
}

export function addTextRows(resource: Resource, out: TextRow[]): void {
  const div = (resource as { text?: { div?: unknown } }).text?.div;
  if (typeof div === 'string') {
    const narrative = narrativeText(div).slice(0, MAX_TEXT);
    if (narrative !== '') out.push({ param: '_text', doc: narrative });
  }
  const parts: string[] = [];
  collect(resource, '', parts, { left: MAX_TEXT });
  const content = parts.join(' ').slice(0, MAX_TEXT);
  if (content !== '') out.push({ param: '_content', doc: content });
}
