/**
 * Loads the order catalogue through the FHIR API, as any app would: the active order-set
 * PlanDefinitions, the ActivityDefinitions (tests, panels, imaging studies) and the specimen
 * definitions they require, and the performing lab (the seeded demo lab, or the first laboratory
 * Organization named so).
 */
import type { FhirClient } from '../../fhir/client.ts';
import { catalogueFrom, type Catalogue } from './lab-model.ts';

export const DEMO_LAB = 'continuum-demo-lab';

export async function loadCatalogue(client: FhirClient, signal?: AbortSignal): Promise<Catalogue> {
  const [plans, activities, specimens, labs] = await Promise.all([
    client.searchResources('PlanDefinition', { type: 'order-set', status: 'active', _count: '100' }, signal),
    client.searchResources('ActivityDefinition', { status: 'active', _count: '500' }, signal),
    client.searchResources('SpecimenDefinition', { _count: '100' }, signal),
    client.searchResources('Organization', { _id: DEMO_LAB }, signal),
  ]);
  return catalogueFrom(plans, activities, specimens, labs[0]);
}
