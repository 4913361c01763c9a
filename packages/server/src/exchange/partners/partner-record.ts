/**
 * How a partner is held in a tenant's FHIR store: an Organization tagged PARTNER_TAG and an
 * Endpoint it manages (connection type hl7-fhir-rest, address = the partner's FHIR base, status
 * active or off, the client ids and the key URL in extensions). Pure mapping both ways, and the
 * checks on what an administrator types; no I/O.
 */
import type { Endpoint, Organization } from '@medplum/fhirtypes';
import { badRequest } from '@continuum/fhir';
import { INBOUND_CLIENT_EXT, JWKS_URI_EXT, OUTBOUND_CLIENT_EXT, PARTNER_TAG } from '../codes.ts';
import type { Partner } from '../types.ts';

export const FHIR_REST = { system: 'http://terminology.hl7.org/CodeSystem/endpoint-connection-type', code: 'hl7-fhir-rest', display: 'HL7 FHIR' } as const;
const ANY_PAYLOAD = { system: 'http://terminology.hl7.org/CodeSystem/endpoint-payload-type', code: 'any', display: 'Any' } as const;
const CLIENT_ID = /^[A-Za-z0-9._~-]{1,128}$/;

export interface NewPartner {
  name: string;
  /** The partner's FHIR base (no trailing slash). */
  fhirBase: string;
  /** The client id the partner authenticates as here (registered as a private_key_jwt client). */
  partnerClientId: string;
  /** The client id this deployment authenticates as at the partner. */
  ourClientId: string;
  /** Default: `<origin of fhirBase>/exchange/jwks.json`. */
  jwksUri?: string;
}

/** An http(s) URL without credentials, query or fragment, as text without a trailing slash; else a 400 naming `what`. */
export function checkUrl(value: string, what: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw badRequest(`${what} must be an absolute http(s) URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw badRequest(`${what} must use http or https`);
  if (url.username || url.password || url.search || url.hash) throw badRequest(`${what} must not carry credentials, a query or a fragment`);
  return url.href.replace(/\/+$/, '');
}

/** The input checked and normalised (URLs, client ids, the default key URL). */
export function checkNewPartner(p: NewPartner): Required<NewPartner> {
  const name = p.name.trim();
  if (!name || name.length > 200 || /[\u0000-\u001f]/.test(name)) throw badRequest('name must be 1 to 200 printable characters');
  const fhirBase = checkUrl(p.fhirBase, 'fhirBase');
  for (const [what, id] of [['partnerClientId', p.partnerClientId], ['ourClientId', p.ourClientId]] as const) {
    if (!CLIENT_ID.test(id)) throw badRequest(`${what} may use letters, digits and . _ ~ - only (1 to 128)`);
  }
  const jwksUri = checkUrl(p.jwksUri ?? `${new URL(fhirBase).origin}/exchange/jwks.json`, 'jwksUri');
  return { name, fhirBase, partnerClientId: p.partnerClientId, ourClientId: p.ourClientId, jwksUri };
}

export function partnerOrganization(id: string, endpointId: string, name: string): Organization {
  return { resourceType: 'Organization', id, meta: { tag: [{ ...PARTNER_TAG }] }, active: true, name, endpoint: [{ reference: `Endpoint/${endpointId}` }] };
}

export function partnerEndpoint(id: string, organizationId: string, p: Required<NewPartner>): Endpoint {
  return {
    resourceType: 'Endpoint',
    id,
    status: 'active',
    connectionType: { ...FHIR_REST },
    name: p.name,
    managingOrganization: { reference: `Organization/${organizationId}`, display: p.name },
    payloadType: [{ coding: [{ ...ANY_PAYLOAD }] }],
    address: p.fhirBase,
    extension: [
      { url: OUTBOUND_CLIENT_EXT, valueString: p.ourClientId },
      { url: INBOUND_CLIENT_EXT, valueString: p.partnerClientId },
      { url: JWKS_URI_EXT, valueUrl: p.jwksUri },
    ],
  };
}

export function isPartnerOrganization(o: Organization): boolean {
  return (o.meta?.tag ?? []).some((t) => t.system === PARTNER_TAG.system && t.code === PARTNER_TAG.code);
}

/** The Partner an Organization and its Endpoint stand for; undefined when the Endpoint lacks what a partner needs. */
export function toPartner(org: Organization, endpoint: Endpoint): Partner | undefined {
  const ext = (url: string) => endpoint.extension?.find((e) => e.url === url);
  const outbound = ext(OUTBOUND_CLIENT_EXT)?.valueString;
  const inbound = ext(INBOUND_CLIENT_EXT)?.valueString;
  const jwksUri = ext(JWKS_URI_EXT)?.valueUrl ?? ext(JWKS_URI_EXT)?.valueUri;
  if (!org.id || !endpoint.id || !outbound || !inbound || !jwksUri || !endpoint.address) return undefined;
  return {
    organizationId: org.id,
    name: org.name ?? endpoint.name ?? org.id,
    endpointId: endpoint.id,
    fhirBase: endpoint.address.replace(/\/+$/, ''),
    outboundClientId: outbound,
    inboundClientId: inbound,
    jwksUri,
    active: endpoint.status === 'active' && org.active !== false,
  };
}
