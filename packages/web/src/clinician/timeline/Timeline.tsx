/**
 * The chart's timeline: every encounter, note, result, order, immunization, procedure and message
 * of the patient, newest first, filtered by type and date, loaded a page at a time as the list
 * scrolls into view (see merge.ts for how the per-type searches keep one date order).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { Link } from 'react-router-dom';
import { Alert, Anchor, Badge, Button, Card, Center, Chip, Group, Loader, Text, TextInput } from '@mantine/core';
import { useFhir } from '../../fhir/use-fhir.ts';
import { formatDate } from '../../fhir/format.ts';
import { fetchSourcePage } from './fetch-page.ts';
import { TimelineFeed } from './merge.ts';
import { KIND_LABELS, TIMELINE_KINDS, TIMELINE_SOURCES, type TimelineEntry, type TimelineKind, type TimelineSource } from './sources.ts';
import { notePagePath } from '../notes/note-rows.ts';
import '../chart-tabs.css';
import { errorMessage } from '../../fhir/client.ts';

/** Entries added per scroll. */
const PAGE = 25;

const KIND_COLORS: Record<TimelineKind, string> = {
  encounter: 'blue.9',
  note: 'grape.9',
  result: 'teal.9',
  order: 'orange.9',
  immunization: 'green.9',
  procedure: 'indigo.9',
  message: 'gray.9',
};

export function Timeline({ patientId }: { patientId: string }) {
  const client = useFhir();
  const [kinds, setKinds] = useState<string[]>([...TIMELINE_KINDS]);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [entries, setEntries] = useState<TimelineEntry[]>([]);
  const [loading, setLoading] = useState(false);
  const [hasMore, setHasMore] = useState(true);
  const [error, setError] = useState<string>();
  const current = useRef<{ feed: TimelineFeed<TimelineSource>; signal: AbortSignal; busy: boolean }>();
  const sentinel = useRef<HTMLDivElement>(null);

  const loadMore = useCallback(async () => {
    const run = current.current;
    if (!run || run.busy || !run.feed.hasMore) return;
    run.busy = true;
    setLoading(true);
    try {
      const page = await run.feed.take(PAGE, run.signal);
      if (run.signal.aborted) return;
      setEntries((old) => [...old, ...page]);
      setHasMore(run.feed.hasMore);
    } catch (err) {
      if (!run.signal.aborted) setError(errorMessage(err));
    } finally {
      run.busy = false;
      if (!run.signal.aborted) setLoading(false);
    }
  }, []);

  // A new feed whenever the patient or a filter changes.
  useEffect(() => {
    const ac = new AbortController();
    const sources = TIMELINE_SOURCES.filter((s) => kinds.includes(s.kind));
    const range = { ...(from ? { from } : {}), ...(to ? { to } : {}) };
    current.current = { feed: new TimelineFeed(sources, fetchSourcePage(client, patientId, range, window.location.origin)), signal: ac.signal, busy: false };
    setEntries([]);
    setError(undefined);
    setHasMore(sources.length > 0);
    void loadMore();
    return () => ac.abort();
  }, [client, patientId, kinds, from, to, loadMore]);

  // Infinite scroll: a fresh observer after each page reports at once if the end is still in view.
  useEffect(() => {
    const el = sentinel.current;
    if (!el || loading || !hasMore || error) return;
    const io = new IntersectionObserver((seen) => {
      if (seen.some((s) => s.isIntersecting)) void loadMore();
    }, { rootMargin: '200px' });
    io.observe(el);
    return () => io.disconnect();
  }, [loading, hasMore, error, entries.length, loadMore]);

  return (
    <Card withBorder padding="md" component="section" aria-label="Timeline">
      <Group align="flex-end" gap="lg" mb="md" wrap="wrap">
        <div role="group" aria-label="Entry types">
          <Text size="sm" fw={500} mb={4}>
            Show
          </Text>
          <Chip.Group multiple value={kinds} onChange={setKinds}>
            <Group gap={6} wrap="wrap">
              {TIMELINE_KINDS.map((k) => (
                <Chip key={k} value={k} size="sm" variant="outline">
                  {KIND_LABELS[k]}
                </Chip>
              ))}
            </Group>
          </Chip.Group>
        </div>
        <Group gap="sm" wrap="nowrap">
          <TextInput type="date" label="From date" value={from} max={to || undefined} onChange={(e) => setFrom(e.currentTarget.value)} w={170} />
        <TextInput type="date" label="To date" value={to} min={from || undefined} onChange={(e) => setTo(e.currentTarget.value)} w={170} />
        </Group>
      </Group>
      {error && (
        <Alert color="red" title="The timeline could not be loaded" role="alert" mb="md">
          {error}
        </Alert>
      )}
      {entries.length === 0 && !loading && !error && <Text size="sm" className="muted">Nothing matches these filters</Text>}
      <ol className="timeline" aria-label="Timeline entries">
        {entries.map((e) => (
          <li key={e.ref} className="timeline-entry" data-ref={e.ref} data-kind={e.kind} data-sort-key={e.sortKey ?? ''}>
            <Text size="sm" className="timeline-date nowrap" fw={600}>
              {formatDate(e.date) || 'Undated'}
            </Text>
            <Badge color={KIND_COLORS[e.kind]} variant="filled" radius="sm" size="sm" className="timeline-kind">
              {KIND_LABELS[e.kind].replace(/s$/, '')}
            </Badge>
            <div className="timeline-text">
              <Text size="sm" fw={500}>
                {notePagePath(patientId, e.ref) ? <Anchor component={Link} to={notePagePath(patientId, e.ref)!} inherit>{e.title}</Anchor> : e.title}
              </Text>
              {e.detail && (
                <Text size="xs" className="muted">
                  {e.detail}
                </Text>
              )}
            </div>
          </li>
        ))}
      </ol>
      <div ref={sentinel} className="timeline-end" />
      {loading && (
        <Center py="sm">
          <Loader role="progressbar" size="sm" aria-label="Loading more entries" />
        </Center>
      )}
      {!loading && hasMore && !error && (
        <Center py="sm">
          <Button variant="subtle" onClick={() => void loadMore()}>
            Show older entries
          </Button>
        </Center>
      )}
      {!hasMore && entries.length > 0 && (
        <Text size="xs" className="muted" ta="center" py="sm" role="status">
          End of the timeline · {entries.length} entries
        </Text>
      )}
    </Card>
  );
}
