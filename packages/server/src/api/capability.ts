/**
 * The CapabilityStatement at /metadata, generated from what the server actually supports: every
 * R4 resource type, the interactions the router implements, the search parameters of the tenant
 * whose types the search engine compiles (composite ones included; of the special ones `near`
 * on Location, and `_text` and `_content`), custom SearchParameters once a reindex made them searchable, and the
 * operations that exist. Cached per registry: a tenant's registry object changes exactly when its
 * searchable parameters do. With authorization on, `rest.security` declares SMART on FHIR and
 * its OAuth endpoints (the `oauth-uris` extension SMART v1 clients read; v2 clients read
 * `.well-known/smart-configuration`), under the base URL the request came in on.
 */
import type { CapabilityStatement, CapabilityStatementRest, CapabilityStatementRestResource } from '@medplum/fhirtypes';
import { resourceTypes, type SearchParamRegistry } from '@continuum/fhir';
import type { ApiContext, OAuthUris } from './types.ts';
import { portalRoutes } from '../portal/routes.ts';
import { exchangeRoutes } from '../exchange/routes.ts';
import { VERSION } from '../version.ts';

const SUPPORTED_TYPES = new Set(['string', 'token', 'date', 'number', 'quantity', 'reference', 'uri', 'composite']);
const SUPPORTED_SPECIAL = new Set(['near', '_text', '_content']);
/** Where an operation is defined elsewhere than Continuum's own namespace. */
const STANDARD_OPERATIONS: Readonly<Record<string, string>> = {
  'Patient-summary': 'http://hl7.org/fhir/uv/ips/OperationDefinition/summary',
  'Patient-match': 'http://hl7.org/fhir/OperationDefinition/Patient-match',
  // Served by exchange/retrieve/routes.ts (partner-aware), which lists it here.
  'Patient-everything': 'http://hl7.org/fhir/OperationDefinition/Patient-everything',
};

/** The patient portal's operations (portal/routes.ts), by the resource type they are invoked on. */
function portalOperations(): Map<string, Array<{ name: string; definition: string }>> {
  const byType = new Map<string, Array<{ name: string; definition: string }>>();
  for (const { pattern } of [...portalRoutes(), ...exchangeRoutes()]) {
    const [type] = pattern;
    const op = pattern[pattern.length - 1];
    if (!type || type.startsWith(':') || !op?.startsWith('$')) continue;
    const name = op.slice(1);
    const list = byType.get(type) ?? [];
    if (list.some((o) => o.name === name)) continue;
    list.push({ name, definition: STANDARD_OPERATIONS[`${type}-${name}`] ?? `https://continuum.example/fhir/OperationDefinition/${type}-${name}` });
    byType.set(type, list);
  }
  return byType;
}

const cache = new WeakMap<SearchParamRegistry, Omit<CapabilityStatement, 'implementation'>>();

function build(registry: SearchParamRegistry): Omit<CapabilityStatement, 'implementation'> {
  const portal = portalOperations();
  const resource: CapabilityStatementRestResource[] = resourceTypes().map((type) => ({
    type: type as CapabilityStatementRestResource['type'],
    profile: `http://hl7.org/fhir/StructureDefinition/${type}`,
    interaction: (['read', 'vread', 'update', 'patch', 'delete', 'history-instance', 'history-type', 'create', 'search-type'] as const).map((code) => ({ code })),
    versioning: 'versioned-update',
    readHistory: true,
    updateCreate: true,
    conditionalCreate: true,
    conditionalRead: 'not-supported',
    conditionalUpdate: true,
    conditionalDelete: 'single',
    referencePolicy: ['literal', 'logical'],
    searchParam: [
      { name: '_id', type: 'token', definition: 'http://hl7.org/fhir/SearchParameter/Resource-id' },
      { name: '_lastUpdated', type: 'date', definition: 'http://hl7.org/fhir/SearchParameter/Resource-lastUpdated' },
      ...registry
        .forType(type)
        .filter((p) => (SUPPORTED_TYPES.has(p.type) || (p.type === 'special' && SUPPORTED_SPECIAL.has(p.code))) && p.code !== '_id' && p.code !== '_lastUpdated')
        .map((p) => ({ name: p.code, type: p.type as 'string', definition: p.url })),
    ],
    operation: [
      { name: 'validate', definition: 'http://hl7.org/fhir/OperationDefinition/Resource-validate' },
      ...(type === 'ValueSet' ? [{ name: 'expand', definition: 'http://hl7.org/fhir/OperationDefinition/ValueSet-expand' }] : []),
      ...(type === 'CodeSystem' ? [{ name: 'lookup', definition: 'http://hl7.org/fhir/OperationDefinition/CodeSystem-lookup' }] : []),
      ...(type === 'MedicationKnowledge' ? [{ name: 'catalogue', definition: 'https://continuum.example/fhir/OperationDefinition/MedicationKnowledge-catalogue' }] : []),
      ...(portal.get(type) ?? []),
    ],
  }));
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    // When this statement last changed: built when first asked for, and again when a tenant's
    // searchable parameters change (it is cached per registry).
    date: new Date().toISOString(),
    publisher: 'Continuum',
    kind: 'instance',
    software: { name: 'Continuum', version: VERSION },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json', 'json'],
    patchFormat: ['application/json-patch+json', 'application/fhir+json'],
    rest: [
      {
        mode: 'server',
        resource,
        interaction: [{ code: 'transaction' }, { code: 'batch' }, { code: 'history-system' }],
      },
    ],
  };
}

function security(oauth: OAuthUris): CapabilityStatementRest['security'] {
  return {
    extension: [
      {
        url: 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris',
        extension: (['authorize', 'token', 'introspect', 'revoke', 'manage'] as const).map((name) => ({ url: name, valueUri: oauth[name] })),
      },
    ],
    service: [
      {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'SMART-on-FHIR' }],
        text: 'OAuth2 using the SMART App Launch profile',
      },
    ],
  };
}

export function capabilityStatement(ctx: ApiContext): CapabilityStatement {
  const registry = ctx.repo.indexer.registry;
  let base = cache.get(registry);
  if (!base) {
    base = build(registry);
    cache.set(registry, base);
  }
  const rest = ctx.oauth && base.rest ? base.rest.map((r) => ({ ...r, security: security(ctx.oauth!) })) : base.rest;
  return { ...base, ...(rest ? { rest } : {}), implementation: { description: 'Continuum FHIR R4 server', url: ctx.baseUrl } };
}
