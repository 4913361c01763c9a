/**
 * The small part of markdown a CDS card's `detail` may use, parsed into a tree the card renders
 * as React elements: paragraphs, bullet and numbered lists, headings (shown as bold lines), bold,
 * italics, inline code and links. Nothing is ever turned into HTML: raw HTML in the text stays
 * text, and a link is kept only if it goes to http(s) or to a path in this app; any other link
 * (javascript:, data:, a protocol-relative `//host`) keeps its words and loses its target. Pure.
 */

export type Inline =
  | { t: 'text'; text: string }
  | { t: 'strong' | 'em'; children: Inline[] }
  | { t: 'code'; text: string }
  | { t: 'link'; href: string; children: Inline[] };

export type Block = { t: 'p'; strong?: boolean; children: Inline[] } | { t: 'list'; ordered: boolean; items: Inline[][] };

/** Whether a link may be followed: http(s), or an absolute path in this app (not `//host`). */
export function safeHref(url: string): string | undefined {
  const u = url.trim();
  if (/^https?:\/\/[^\s]+$/i.test(u)) return u;
  if (/^\/(?!\/)[^\s]*$/.test(u)) return u;
  return undefined;
}

/** The path of a link into this app (a path, or an absolute URL on `origin`), or undefined for any other. */
export function appPath(href: string, origin: string | undefined): string | undefined {
  if (href.startsWith('/')) return href;
  if (!origin) return undefined;
  try {
    const u = new URL(href);
    return u.origin === origin ? `${u.pathname}${u.search}${u.hash}` : undefined;
  } catch {
    return undefined;
  }
}

// Bold, then links, code, italics; the first that matches at the earliest position wins.
const INLINE = /\*\*(.+?)\*\*|__(.+?)__|\[([^\]]+)\]\(([^)\s]+)(?:\s+"[^"]*")?\)|`([^`]+)`|\*([^*\s][^*]*?)\*|(?<![\w])_([^_\s][^_]*?)_(?![\w])/g;

export function parseInline(text: string, depth = 0): Inline[] {
  const out: Inline[] = [];
  let last = 0;
  const push = (s: string) => {
    if (!s) return;
    const prev = out.at(-1);
    if (prev?.t === 'text') prev.text += s;
    else out.push({ t: 'text', text: s });
  };
  for (const m of text.matchAll(INLINE)) {
    push(text.slice(last, m.index));
    last = m.index + m[0].length;
    const inner = (s: string) => (depth < 3 ? parseInline(s, depth + 1) : [{ t: 'text' as const, text: s }]);
    if (m[1] !== undefined || m[2] !== undefined) out.push({ t: 'strong', children: inner(m[1] ?? m[2]!) });
    else if (m[3] !== undefined) {
      const href = safeHref(m[4]!);
      if (href) out.push({ t: 'link', href, children: inner(m[3]) });
      else out.push(...inner(m[3]));
    } else if (m[5] !== undefined) out.push({ t: 'code', text: m[5] });
    else out.push({ t: 'em', children: inner(m[6] ?? m[7]!) });
  }
  push(text.slice(last));
  return out;
}

const BULLET = /^\s*[-*+]\s+(.*)$/;
const NUMBERED = /^\s*\d+[.)]\s+(.*)$/;
const HEADING = /^\s*#{1,6}\s+(.*?)\s*#*\s*$/;

/** The blocks of a markdown text: blank lines end paragraphs; list items may not nest (they are flattened). */
export function parseMarkdown(source: string): Block[] {
  const blocks: Block[] = [];
  let para: string[] = [];
  let list: { ordered: boolean; items: string[] } | undefined;
  const flush = () => {
    if (para.length > 0) blocks.push({ t: 'p', children: parseInline(para.join(' ')) });
    if (list) blocks.push({ t: 'list', ordered: list.ordered, items: list.items.map((i) => parseInline(i)) });
    para = [];
    list = undefined;
  };
  for (const line of source.replace(/\r\n?/g, '\n').split('\n')) {
    const bullet = BULLET.exec(line);
    const numbered = bullet ? null : NUMBERED.exec(line);
    const heading = HEADING.exec(line);
    if (!line.trim()) flush();
    else if (heading) {
      flush();
      blocks.push({ t: 'p', strong: true, children: parseInline(heading[1]!) });
    } else if (bullet || numbered) {
      const ordered = Boolean(numbered);
      if (para.length > 0 || (list && list.ordered !== ordered)) flush();
      list ??= { ordered, items: [] };
      list.items.push((bullet ?? numbered)![1]!);
    } else if (list && /^\s+\S/.test(line)) {
      // A continuation of the last item.
      list.items[list.items.length - 1] += ` ${line.trim()}`;
    } else {
      if (list) flush();
      para.push(line.trim());
    }
  }
  flush();
  return blocks;
}
