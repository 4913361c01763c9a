/**
 * Clinical notes as FHIR Compositions, and back: a draft from a template (status `preliminary`),
 * the section texts the editor shows and writes, signing (status `final` with a legal attester),
 * and the addenda (`relatesTo` appends) and amendments (`relatesTo` replaces) that follow a signed
 * note without touching it. Section narrative is XHTML built here from plain text, every
 * character escaped, so nothing a user types can become markup. It does no I/O.
 */
import type { Composition, CompositionSection, Encounter, Organization, Practitioner, Reference } from '@medplum/fhirtypes';
import { ADDENDUM_SECTION, LOINC, NOTE_TEMPLATES, templateById, type NoteTemplate, type SectionTemplate } from './templates.ts';

export const TEMPLATE_TAG = 'urn:continuum:note-template';
const XHTML = 'http://www.w3.org/1999/xhtml';

/** Plain text → a narrative div: a paragraph per line, every character escaped. */
export function textToXhtml(text: string): string {
  const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  return `<div xmlns="${XHTML}">${lines.map((l) => (l.trim() ? `<p>${escape(l)}</p>` : '<p/>')).join('')}</div>`;
}

/** A narrative div → plain text, a line per paragraph; markup is dropped, never rendered. */
export function xhtmlToText(div: string | undefined): string {
  if (!div) return '';
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };
  const plain = (html: string) =>
    html
      .replace(/<br\s*\/?>/gi, '\n')
      .replace(/<[^>]*>/g, '')
      .replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (m, e: string) => {
        if (/^#x/i.test(e)) return String.fromCodePoint(parseInt(e.slice(2), 16));
        if (e.startsWith('#')) return String.fromCodePoint(parseInt(e.slice(1), 10));
        return named[e.toLowerCase()] ?? m;
      });
  const paragraphs = [...div.matchAll(/<p\s*\/>|<p(?:\s[^>]*)?>([\s\S]*?)<\/p>/gi)];
  if (paragraphs.length === 0) return plain(div).trim();
  return paragraphs.map((m) => plain(m[1] ?? '')).join('\n');
}

export type NoteKind = 'note' | 'addendum' | 'amendment';

export function noteKind(c: Composition): NoteKind {
  if (c.relatesTo?.some((r) => r.code === 'appends')) return 'addendum';
  if (c.relatesTo?.some((r) => r.code === 'replaces')) return 'amendment';
  return 'note';
}

/** The note an addendum or amendment points at (`Composition/id`). */
export function relatedTarget(c: Composition): string | undefined {
  return c.relatesTo?.find((r) => r.code === 'appends' || r.code === 'replaces')?.targetReference?.reference;
}

/** The template a note was written from: its tag, else the first template of its type. */
export function templateOf(c: Composition): NoteTemplate {
  const tagged = c.meta?.tag?.find((t) => t.system === TEMPLATE_TAG)?.code;
  const byTag = tagged ? templateById(tagged) : undefined;
  if (byTag) return byTag;
  const code = c.type.coding?.find((x) => x.system === LOINC)?.code;
  return NOTE_TEMPLATES.find((t) => t.type.code === code) ?? NOTE_TEMPLATES[0]!;
}

/** The sections the editor shows for a note: its template's, or the addendum's one. */
export function editorSections(c: Composition): SectionTemplate[] {
  return noteKind(c) === 'addendum' ? [ADDENDUM_SECTION] : templateOf(c).sections;
}

const sectionKey = (s: CompositionSection): string | undefined => s.code?.coding?.find((x) => x.system === LOINC)?.code;

/** The text of each section, by the template's key (sections matched on LOINC code and title). */
export function sectionTexts(c: Composition, sections: readonly SectionTemplate[] = editorSections(c)): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of sections) {
    const s = c.section?.find((x) => sectionKey(x) === t.code && x.title === t.title);
    out[t.key] = xhtmlToText(s?.text?.div);
  }
  return out;
}

/** The note with its sections set from `texts`; sections left empty are left out (FHIR: a section has text). */
export function withSectionTexts(c: Composition, texts: Record<string, string>, sections: readonly SectionTemplate[] = editorSections(c)): Composition {
  const section: CompositionSection[] = sections
    .filter((t) => (texts[t.key] ?? '').trim() !== '')
    .map((t) => ({ title: t.title, code: { coding: [{ system: LOINC, code: t.code, display: t.title }] }, text: { status: 'additional', div: textToXhtml(texts[t.key]!) } }));
  const { section: _old, ...rest } = c;
  return section.length > 0 ? { ...rest, section } : rest;
}

export interface NoteContext {
  patientId: string;
  /** The encounter the note documents (an addendum's is its note's). */
  encounter?: Reference<Encounter> | undefined;
  /** The organization keeping the note (the encounter's service provider). */
  custodian?: Reference<Organization> | undefined;
  author: Reference<Practitioner>;
  now: Date;
}

const base = (ctx: NoteContext) => ({
  resourceType: 'Composition' as const,
  status: 'preliminary' as const,
  subject: { reference: `Patient/${ctx.patientId}` },
  ...(ctx.encounter ? { encounter: ctx.encounter } : {}),
  author: [ctx.author],
  date: ctx.now.toISOString(),
  ...(ctx.custodian ? { custodian: ctx.custodian } : {}),
});

/** A new, empty draft from a template. */
export function newDraft(template: NoteTemplate, ctx: NoteContext): Composition {
  return {
    ...base(ctx),
    meta: { tag: [{ system: TEMPLATE_TAG, code: template.id }] },
    type: { coding: [template.type], text: template.title },
    category: [{ coding: [{ system: 'http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category', code: 'clinical-note', display: 'Clinical Note' }] }],
    title: template.title,
  };
}

const targetRef = (signed: Composition) => ({ reference: `Composition/${signed.id ?? ''}`, display: signed.title });

/** A draft addendum to a signed note: same type, its own author and time, one Addendum section. */
export function addendumDraft(signed: Composition, ctx: NoteContext): Composition {
  return {
    ...base(ctx),
    type: signed.type,
    ...(signed.category ? { category: signed.category } : {}),
    title: `Addendum to ${signed.title}`,
    relatesTo: [{ code: 'appends', targetReference: targetRef(signed) }],
  };
}

/** A draft amendment: a corrected copy of the signed note's sections that will replace it. */
export function amendmentDraft(signed: Composition, ctx: NoteContext): Composition {
  const tag = signed.meta?.tag?.filter((t) => t.system === TEMPLATE_TAG);
  return {
    ...base(ctx),
    ...(tag?.length ? { meta: { tag } } : {}),
    type: signed.type,
    ...(signed.category ? { category: signed.category } : {}),
    title: signed.title.startsWith('Amended: ') ? signed.title : `Amended: ${signed.title}`,
    ...(signed.section ? { section: signed.section } : {}),
    relatesTo: [{ code: 'replaces', targetReference: targetRef(signed) }],
  };
}

/** The signed note: final, dated now, attested (legally) by its author. */
export function signed(draft: Composition, signer: Reference<Practitioner>, now: Date): Composition {
  const time = now.toISOString();
  return { ...draft, status: 'final', date: time, attester: [{ mode: 'legal', time, party: signer }] };
}

export const isDraft = (c: Composition): boolean => c.status === 'preliminary';

/** What the note's status reads as on screen. */
export function statusLabel(c: Composition, supersededBy?: Composition): string {
  if (c.status === 'entered-in-error') return 'Entered in error';
  if (supersededBy) return 'Superseded';
  if (c.status === 'preliminary') return 'Draft';
  if (c.status === 'amended') return 'Amended';
  return 'Signed';
}
