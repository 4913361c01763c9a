/**
 * The XHTML narratives of the patient summary: a table per section and a header for the
 * Composition. Every string from the record is escaped here (a name or a free-text note may hold
 * `<script>` or an ampersand), so the narrative stays well-formed XHTML that FHIR's narrative rules
 * accept: only `div`, `table`, `p` and friends, no attributes beyond the XHTML namespace.
 */
import type { Narrative } from '@medplum/fhirtypes';
import { escapeHtml } from '../../auth/html.ts';

const XHTML = 'http://www.w3.org/1999/xhtml';

const div = (inner: string): Narrative => ({ status: 'generated', div: `<div xmlns="${XHTML}">${inner}</div>` });

/** A section's narrative: its rows as a table, or the sentence saying there is nothing to list. */
export function tableNarrative(columns: readonly string[], rows: readonly (readonly string[])[], emptyText: string): Narrative {
  if (rows.length === 0) return div(`<p>${escapeHtml(emptyText)}</p>`);
  const head = columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('');
  const body = rows.map((row) => `<tr>${row.map((cell) => `<td>${escapeHtml(cell)}</td>`).join('')}</tr>`).join('');
  return div(`<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`);
}

/** The Composition's narrative: who the summary is about and when it was made. */
export function headerNarrative(title: string, facts: readonly (readonly [string, string])[]): Narrative {
  const lines = facts.map(([label, value]) => `<li>${escapeHtml(label)}: ${escapeHtml(value)}</li>`).join('');
  return div(`<p><b>${escapeHtml(title)}</b></p><ul>${lines}</ul>`);
}
