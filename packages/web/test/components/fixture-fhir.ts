/**
 * A stand-in for the FHIR API's search, over fixture resources held in memory, for widget tests:
 * per resource type, `patient`, `category`, a date parameter with `ge`/`le` (by day), `_sort` on
 * that date newest first, and `_count` pages chained by `next` links (an offset cursor, opaque to
 * the client). Each resource's date is given explicitly with the fixture, not derived from the
 * resource by the app's code. Every request is recorded so tests can check what the widget asked.
 */
import type { Bundle, Resource } from '@medplum/fhirtypes';
import { HARNESS_ORIGIN, type FhirAnswer, type FhirHandler } from './harness.ts';

export interface FixtureResource {
  resource: Resource;
  /** The value of the type's date search parameter (an ISO date-time). */
  date: string;
  /** The patient it belongs to. */
  patient: string;
  category?: string;
}

export interface FixtureFhir {
  handler: FhirHandler;
  /** Each request's path and query, in order. */
  requests: URL[];
}

const outcome = (status: number, text: string): FhirAnswer => ({ status, body: { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'invalid', diagnostics: text }] } });

const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString();

/** `dateParams` names each type's date search parameter (e.g. MedicationRequest: authoredon). */
export function fixtureFhir(fixtures: readonly FixtureResource[], dateParams: Record<string, string>): FixtureFhir {
  const requests: URL[] = [];
  const handler: FhirHandler = (url) => {
    requests.push(url);
    const type = url.pathname.slice('/fhir/'.length);
    const q = url.searchParams;
    const dateParam = dateParams[type];
    if (!dateParam) return outcome(400, `no fixture search for ${type}`);
    const sort = q.get('_sort');
    if (sort !== null && sort !== `-${dateParam}`) return outcome(400, `unexpected _sort ${sort}`);
    let matches = fixtures.filter((f) => f.resource.resourceType === type && f.patient === q.get('patient'));
    if (q.has('category')) matches = matches.filter((f) => f.category === q.get('category'));
    for (const bound of q.getAll(dateParam)) {
      const day = bound.slice(2);
      if (bound.startsWith('ge')) matches = matches.filter((f) => f.date >= `${day}T00:00:00.000Z`);
      else if (bound.startsWith('le')) matches = matches.filter((f) => f.date < nextDay(day));
      else return outcome(400, `unexpected date bound ${bound}`);
    }
    matches = [...matches].sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : 0));
    const count = Number(q.get('_count') ?? '20');
    const offset = Number(q.get('_offset') ?? '0');
    const page = matches.slice(offset, offset + count);
    const bundle: Bundle = {
      resourceType: 'Bundle',
      type: 'searchset',
      total: matches.length,
      entry: page.map((f) => ({ resource: f.resource, search: { mode: 'match' } })),
      link: [],
    };
    if (offset + count < matches.length) {
      const next = new URLSearchParams(q);
      next.set('_offset', String(offset + count));
      bundle.link!.push({ relation: 'next', url: `${HARNESS_ORIGIN}/fhir/${type}?${next.toString()}` });
    }
    return { status: 200, body: bundle };
  };
  return { handler, requests };
}
