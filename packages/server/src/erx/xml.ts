/**
 * A minimal XML writer for the messages this server renders (NCPDP SCRIPT): an element tree built
 * from plain values, serialised with every text and attribute escaped. Absent children (undefined,
 * null, false, empty strings) are dropped, so optional elements are written as
 * `cond && el(...)`. Characters XML 1.0 cannot carry (control characters other than tab, newline
 * and carriage return, lone surrogates) are removed rather than emitted. It does not parse XML.
 */

export interface XmlElement {
  name: string;
  attrs: Readonly<Record<string, string>>;
  children: readonly (XmlElement | string)[];
}

type Child = XmlElement | string | number | undefined | null | false;

/** An element; a string or number child is text. */
export function el(name: string, ...children: (Child | readonly Child[])[]): XmlElement {
  return { name, attrs: {}, children: flatten(children) };
}

/** An element with attributes. */
export function elAttrs(name: string, attrs: Record<string, string>, ...children: (Child | readonly Child[])[]): XmlElement {
  return { name, attrs, children: flatten(children) };
}

function flatten(children: readonly (Child | readonly Child[])[]): (XmlElement | string)[] {
  const out: (XmlElement | string)[] = [];
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false || c === '') continue;
    out.push(typeof c === 'number' ? String(c) : c);
  }
  return out;
}

/** Whether an element has any content worth writing. */
export const hasContent = (e: XmlElement): boolean => e.children.length > 0;

 
const INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function escapeText(s: string): string {
  return s.replace(INVALID, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function escapeAttr(s: string): string {
  return escapeText(s).replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\r/g, '&#13;').replace(/\n/g, '&#10;').replace(/\t/g, '&#9;');
}

function write(e: XmlElement, out: string[]): void {
  const attrs = Object.entries(e.attrs).map(([k, v]) => ` ${k}="${escapeAttr(v)}"`).join('');
  if (e.children.length === 0) {
    out.push(`<${e.name}${attrs}/>`);
    return;
  }
  out.push(`<${e.name}${attrs}>`);
  for (const c of e.children) {
    if (typeof c === 'string') out.push(escapeText(c));
    else write(c, out);
  }
  out.push(`</${e.name}>`);
}

/** The document: an XML declaration and the root element. */
export function renderXml(root: XmlElement): string {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  write(root, out);
  return out.join('');
}
