/**
 * The timeline's paging: a k-way merge of per-type searches, each sorted newest first by the
 * server, into one newest-first list handed out a page at a time.
 *
 * Why one search per type rather than `Patient/$everything`: `$everything` pages through the
 * compartment in storage order, not by clinical date, and its date parameters (`start`/`end`)
 * only filter; a page of it may hold a 2009 encounter before a 2024 result, so a global date order
 * would need every page first. Each type's own search can be sorted by its date (`_sort=-date`,
 * `-authoredon`, `-sent`...), so the newest entry not yet shown is always the newest of the heads
 * of those lists. The merge takes an entry only while every list that might still hold a newer one
 * has a buffered head; when a list's buffer runs dry it follows that list's `next` link (and only
 * that one) before going on. So each click or scroll fetches at most one page per type, the order
 * is exact across pages, and nothing is loaded before it is needed.
 *
 * The feed is a small mutable object owned by one screen; `fetchPage` is passed in, so the merge
 * is tested without a server.
 */
import { compareNewestFirst } from './sort-key.ts';
import type { TimelineEntry } from './sources.ts';

/** One page of one list: its entries, in the server's order, and the link to the next page. */
export interface SourcePage {
  entries: TimelineEntry[];
  next?: string | undefined;
}

interface Stream<S> {
  source: S;
  buffer: TimelineEntry[];
  /** The next page's link; undefined once the list is exhausted. */
  next: string | undefined;
  started: boolean;
}

export type FetchPage<S> = (source: S, next: string | undefined, signal?: AbortSignal) => Promise<SourcePage>;

export class TimelineFeed<S> {
  private readonly streams: Stream<S>[];
  private readonly seen = new Set<string>();

  constructor(sources: readonly S[], private readonly fetchPage: FetchPage<S>) {
    this.streams = sources.map((source) => ({ source, buffer: [], next: undefined, started: false }));
  }

  /** Whether any list may still hold entries not handed out yet. */
  get hasMore(): boolean {
    return this.streams.some((s) => !s.started || s.buffer.length > 0 || s.next !== undefined);
  }

  /** The next `count` entries (fewer at the end), newest first, never one handed out before. */
  async take(count: number, signal?: AbortSignal): Promise<TimelineEntry[]> {
    const out: TimelineEntry[] = [];
    while (out.length < count) {
      // Fill every list whose buffer is empty but which may hold more: all at once, in parallel.
      const dry = this.streams.filter((s) => s.buffer.length === 0 && (!s.started || s.next !== undefined));
      await Promise.all(
        dry.map(async (s) => {
          const page = await this.fetchPage(s.source, s.started ? s.next : undefined, signal);
          s.started = true;
          s.buffer.push(...page.entries);
          s.next = page.entries.length > 0 ? page.next : undefined;
        }),
      );
      let best: Stream<S> | undefined;
      for (const s of this.streams) {
        const head = s.buffer[0];
        if (head && (!best || compareNewestFirst(head.sortKey, best.buffer[0]!.sortKey) < 0)) best = s;
      }
      if (!best) break;
      const e = best.buffer.shift()!;
      // A resource edited between two page requests could come back on a later page: show it once.
      if (this.seen.has(e.ref)) continue;
      this.seen.add(e.ref);
      out.push(e);
    }
    return out;
  }
}
