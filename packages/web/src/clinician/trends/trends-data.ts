/**
 * What the trends tab loads: the patient's vital-sign and laboratory Observations, newest first,
 * a few pages of each (enough for years of visits; the tab says when it stopped short).
 */
import type { Bundle, Observation } from '@medplum/fhirtypes';
import type { FhirClient } from '../../fhir/client.ts';
import { linkPath } from '../timeline/fetch-page.ts';

export const TREND_PAGE_SIZE = 200;
export const TREND_MAX_PAGES = 5;

export interface TrendsData {
  observations: Observation[];
  /** True when more Observations exist than were loaded. */
  truncated: boolean;
}

export const trendCriteria = (patientId: string, category: 'vital-signs' | 'laboratory'): Record<string, string> => ({
  patient: patientId,
  category,
  _sort: '-date',
  _count: String(TREND_PAGE_SIZE),
});

async function loadCategory(client: FhirClient, patientId: string, category: 'vital-signs' | 'laboratory', origin: string, signal?: AbortSignal): Promise<TrendsData> {
  const observations: Observation[] = [];
  let bundle: Bundle = await client.search('Observation', trendCriteria(patientId, category), signal);
  for (let page = 1; ; page++) {
    for (const e of bundle.entry ?? []) if (e.resource?.resourceType === 'Observation') observations.push(e.resource);
    const next = bundle.link?.find((l) => l.relation === 'next')?.url;
    if (!next) return { observations, truncated: false };
    if (page >= TREND_MAX_PAGES) return { observations, truncated: true };
    bundle = await client.get<Bundle>(linkPath(next, origin), signal);
  }
}

export async function loadTrends(client: FhirClient, patientId: string, origin: string, signal?: AbortSignal): Promise<TrendsData> {
  const [vitals, labs] = await Promise.all([
    loadCategory(client, patientId, 'vital-signs', origin, signal),
    loadCategory(client, patientId, 'laboratory', origin, signal),
  ]);
  return { observations: [...vitals.observations, ...labs.observations], truncated: vitals.truncated || labs.truncated };
}
