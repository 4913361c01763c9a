/** The timeline's merge of per-type searches: one newest-first order across pages, fetched lazily. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Resource } from '@medplum/fhirtypes';
import { TimelineFeed, type SourcePage } from '../../src/clinician/timeline/merge.ts';
import { compareNewestFirst, upperBound } from '../../src/clinician/timeline/sort-key.ts';
import { linkPath } from '../../src/clinician/timeline/fetch-page.ts';
import { sourceSearch, TIMELINE_SOURCES, type TimelineEntry } from '../../src/clinician/timeline/sources.ts';

const entry = (ref: string, date: string | undefined): TimelineEntry => ({
  ref, kind: 'result', sortKey: upperBound(date), date, title: ref, resource: { resourceType: 'Basic' } as Resource,
});

/** A fake server: each list is paged `size` at a time; every request is logged. */
function lists(data: Record<string, TimelineEntry[]>, size: number) {
  const requests: string[] = [];
  const fetchPage = async (source: string, next: string | undefined): Promise<SourcePage> => {
    const from = next ? Number(next) : 0;
    requests.push(`${source}@${from}`);
    const all = data[source] ?? [];
    return { entries: all.slice(from, from + size), next: from + size < all.length ? String(from + size) : undefined };
  };
  return { requests, fetchPage };
}

it('reads a date at the upper end of its precision, as the server sorts descending', () => {
  assert.equal(upperBound('2024-03-05'), '2024-03-06T00:00:00.000Z', 'a day runs to its end');
  assert.equal(upperBound('2024-03'), '2024-04-01T00:00:00.000Z', 'a month');
  assert.equal(upperBound('2024'), '2025-01-01T00:00:00.000Z', 'a year');
  assert.equal(upperBound('2024-03-05T10:00:00+02:00'), '2024-03-05T08:00:01.000Z', 'a second, in UTC');
  assert.equal(upperBound('2024-03-05T10:00:00.250Z'), '2024-03-05T10:00:00.251Z', 'a millisecond');
  assert.equal(upperBound('not a date'), undefined, 'garbage has no key');
  assert.ok(compareNewestFirst('2024', '2023') < 0, 'newer first');
  assert.ok(compareNewestFirst(undefined, '2023') > 0, 'undated last');
});

it('merges newest first across lists and pages, without duplicates', async () => {
  const a = ['2024-05-01', '2023-01-01', '2022-06-01', '2020-01-01', '2019-01-01'].map((d, i) => entry(`A/${i}`, d));
  const b = ['2024-06-01', '2024-04-01', '2021-01-01'].map((d, i) => entry(`B/${i}`, d));
  const c = [entry('C/0', '2022-07-01'), entry('C/1', undefined)];
  const { fetchPage } = lists({ a, b, c }, 2);
  const feed = new TimelineFeed(['a', 'b', 'c'], fetchPage);
  const taken: TimelineEntry[] = [];
  for (let i = 0; i < 10 && feed.hasMore; i++) taken.push(...(await feed.take(3)));
  const expected = [...a, ...b, ...c].sort((x, y) => compareNewestFirst(x.sortKey, y.sortKey)).map((e) => e.ref);
  assert.deepEqual(taken.map((e) => e.ref), expected, 'one global order, the undated at the end');
  assert.equal(new Set(taken.map((e) => e.ref)).size, taken.length, 'no entry twice');
  assert.equal(feed.hasMore, false, 'the feed knows it is done');
  assert.deepEqual(await feed.take(3), [], 'and gives nothing more');
});

it('fetches a further page of a list only when its buffer runs dry', async () => {
  const a = Array.from({ length: 10 }, (_, i) => entry(`A/${i}`, `2024-01-${String(20 - i).padStart(2, '0')}`));
  const b = Array.from({ length: 10 }, (_, i) => entry(`B/${i}`, `2010-01-${String(20 - i).padStart(2, '0')}`));
  const { requests, fetchPage } = lists({ a, b }, 4);
  const feed = new TimelineFeed(['a', 'b'], fetchPage);
  const first = await feed.take(4);
  assert.deepEqual(first.map((e) => e.ref), ['A/0', 'A/1', 'A/2', 'A/3'], 'the four newest');
  assert.deepEqual(requests, ['a@0', 'b@0'], 'one first page per list, nothing more');
  await feed.take(2);
  assert.deepEqual(requests, ['a@0', 'b@0', 'a@4'], 'only the list that ran dry is paged');
});

it('skips an entry that comes back on a later page', async () => {
  const a = [entry('A/0', '2024-01-03'), entry('A/1', '2024-01-02'), entry('A/1', '2024-01-02'), entry('A/2', '2024-01-01')];
  const feed = new TimelineFeed(['a'], lists({ a }, 2).fetchPage);
  assert.deepEqual((await feed.take(10)).map((e) => e.ref), ['A/0', 'A/1', 'A/2'], 'each resource once');
});

it('asks each type for its own date, newest first, within the date range', () => {
  const meds = TIMELINE_SOURCES.find((s) => s.type === 'MedicationRequest')!;
  assert.deepEqual(sourceSearch(meds, 'p1', { from: '2020-01-01', to: '2020-12-31' }, 20), [
    ['patient', 'p1'], ['_sort', '-authoredon'], ['_count', '20'], ['authoredon', 'ge2020-01-01'], ['authoredon', 'le2020-12-31'],
  ], 'orders by authoredon');
  const labs = TIMELINE_SOURCES.find((s) => s.type === 'Observation')!;
  assert.deepEqual(sourceSearch(labs, 'p1', {}, 5), [['patient', 'p1'], ['category', 'laboratory'], ['_sort', '-date'], ['_count', '5']], 'only laboratory results');
  const kinds = new Set(TIMELINE_SOURCES.map((s) => s.kind));
  assert.equal(kinds.size, 7, 'every kind of entry has a source');
});

it('follows paging links only within the FHIR API of this origin', () => {
  assert.equal(linkPath('http://ehr.test/fhir/Observation?a=1&_cursor=x', 'http://ehr.test'), 'Observation?a=1&_cursor=x', 'the path after the base');
  assert.throws(() => linkPath('http://evil.test/fhir/Observation', 'http://ehr.test'), /Unexpected paging link/, 'another origin is refused');
  assert.throws(() => linkPath('http://ehr.test/oauth/token', 'http://ehr.test'), /Unexpected paging link/, 'outside the FHIR base is refused');
});
