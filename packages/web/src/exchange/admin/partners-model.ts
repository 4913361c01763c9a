/**
 * The partner directory as the admin screen sees it, without React: the rows of
 * `Organization/$partners` (each partner Organization with its Endpoint), the add-partner form's
 * checks and Parameters, and the answers of `$add-partner` (the values to send the partner) and
 * `$check-partner`. The server checks everything again; these checks only say early what is wrong.
 */
import type { Bundle, Endpoint, Organization, Parameters, ParametersParameter } from '@medplum/fhirtypes';

const BASE = 'https://continuum.example/fhir';
/** Mirrors of the server's exchange/codes.ts (the web app never imports the server). */
export const OUTBOUND_CLIENT_EXT = `${BASE}/StructureDefinition/partner-outbound-client`;
export const INBOUND_CLIENT_EXT = `${BASE}/StructureDefinition/partner-inbound-client`;
export const JWKS_URI_EXT = `${BASE}/StructureDefinition/partner-jwks-uri`;

export interface PartnerRow {
  organizationId: string;
  name: string;
  /** The partner's FHIR base (its Endpoint's address). */
  fhirBase: string | undefined;
  /** Endpoint status active: requests go out and come in. */
  active: boolean;
  /** The client id we authenticate as at the partner. */
  outboundClientId: string | undefined;
  /** The client id the partner authenticates as here. */
  inboundClientId: string | undefined;
  jwksUri: string | undefined;
}

const extValue = (e: Endpoint | undefined, url: string): string | undefined => {
  const x = e?.extension?.find((x) => x.url === url);
  return x?.valueString ?? x?.valueUrl ?? x?.valueUri;
};

/** The partners of a `$partners` Bundle, by name; a partner without an Endpoint reads as off. */
export function partnerRows(bundle: Bundle): PartnerRow[] {
  const resources = (bundle.entry ?? []).map((e) => e.resource);
  const endpoints = resources.filter((r): r is Endpoint => r?.resourceType === 'Endpoint');
  return resources
    .filter((r): r is Organization => r?.resourceType === 'Organization')
    .map((org) => {
      const endpoint = endpoints.find((e) => e.managingOrganization?.reference === `Organization/${org.id ?? ''}`) ?? endpoints.find((e) => org.endpoint?.some((r) => r.reference === `Endpoint/${e.id ?? ''}`));
      return {
        organizationId: org.id ?? '',
        name: org.name ?? 'Unnamed organization',
        fhirBase: endpoint?.address,
        active: endpoint?.status === 'active' && org.active !== false,
        outboundClientId: extValue(endpoint, OUTBOUND_CLIENT_EXT),
        inboundClientId: extValue(endpoint, INBOUND_CLIENT_EXT),
        jwksUri: extValue(endpoint, JWKS_URI_EXT),
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

export interface PartnerForm {
  name: string;
  fhirBase: string;
  /** The client id the partner authenticates as here: we give it to the partner (`partnerClientId`). */
  partnerClientId: string;
  /** The client id we authenticate as at the partner: the partner gave it to us (`ourClientId`). */
  ourClientId: string;
  /** Optional: the partner's JWKS URL (the server defaults to `<origin of fhirBase>/exchange/jwks.json`). */
  jwksUri: string;
}

export type PartnerFormErrors = Partial<Record<keyof PartnerForm, string>>;

export const isHttpUrl = (s: string): boolean => {
  try {
    const u = new URL(s);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
  } catch {
    return false;
  }
};

const CLIENT_ID = /^[A-Za-z0-9._~-]{1,128}$/;

/** What is wrong with the form, per field (empty when it can be sent). */
export function validatePartnerForm(f: PartnerForm): PartnerFormErrors {
  const errors: PartnerFormErrors = {};
  if (!f.name.trim()) errors.name = 'Enter the organization’s name.';
  if (!f.fhirBase.trim()) errors.fhirBase = 'Enter the partner’s FHIR base URL.';
  else if (!isHttpUrl(f.fhirBase.trim())) errors.fhirBase = 'Enter an http:// or https:// URL, e.g. https://ehr.partner.example/fhir.';
  for (const key of ['partnerClientId', 'ourClientId'] as const) {
    const v = f[key].trim();
    if (!v) errors[key] = key === 'ourClientId' ? 'Enter the client id the partner gave you.' : 'Enter the client id you give the partner.';
    else if (!CLIENT_ID.test(v)) errors[key] = 'Use letters, digits and . _ ~ - only (up to 128).';
  }
  if (!errors.partnerClientId && !errors.ourClientId && f.partnerClientId.trim() === f.ourClientId.trim()) {
    errors.partnerClientId = 'Give the partner a client id of its own, not the one it gave you.';
  }
  if (f.jwksUri.trim() && !isHttpUrl(f.jwksUri.trim())) errors.jwksUri = 'Enter an http:// or https:// URL, or leave it empty.';
  return errors;
}

/** The `$add-partner` Parameters of a valid form. */
export function addPartnerParameters(f: PartnerForm): ParametersParameter[] {
  return [
    { name: 'name', valueString: f.name.trim() },
    { name: 'fhirBase', valueUrl: f.fhirBase.trim().replace(/\/+$/, '') },
    { name: 'partnerClientId', valueString: f.partnerClientId.trim() },
    { name: 'ourClientId', valueString: f.ourClientId.trim() },
    ...(f.jwksUri.trim() ? [{ name: 'jwksUri', valueUrl: f.jwksUri.trim() }] : []),
  ];
}

/** A client id to offer the partner: the name in lower case letters and digits, then a random part. */
export function suggestClientId(name: string, random: () => number = Math.random): string {
  const slug = name.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'partner';
  const suffix = Math.floor(random() * 36 ** 6).toString(36).padStart(6, '0');
  return `${slug}-${suffix}`;
}

const param = (p: Parameters | undefined, name: string): ParametersParameter | undefined => p?.parameter?.find((x) => x.name === name);
const str = (p: ParametersParameter | undefined): string | undefined => p?.valueUrl ?? p?.valueUri ?? p?.valueString ?? p?.valueCode ?? p?.valueReference?.reference;

/** What the partner's administrator needs from us to add us on their side. */
export interface ValuesForPartner {
  organizationId: string | undefined;
  ourFhirBase: string | undefined;
  ourJwksUri: string | undefined;
  /** The client id the partner authenticates as here (we gave it). */
  theirClientId: string | undefined;
  /** The client id we authenticate as at the partner (it gave it; the partner registers it for our key). */
  ourClientId: string | undefined;
}

export function valuesForPartner(answer: Parameters, sent: PartnerForm): ValuesForPartner {
  return {
    organizationId: str(param(answer, 'organization'))?.replace(/^Organization\//, ''),
    ourFhirBase: str(param(answer, 'ourFhirBase')),
    ourJwksUri: str(param(answer, 'ourJwksUri')),
    theirClientId: sent.partnerClientId.trim(),
    ourClientId: str(param(answer, 'ourClientId')) ?? sent.ourClientId.trim(),
  };
}

export interface CheckResult {
  reachable: boolean;
  tokenOk: boolean;
  detail: string | undefined;
}

export function checkResult(answer: Parameters): CheckResult {
  return {
    reachable: param(answer, 'reachable')?.valueBoolean === true,
    tokenOk: param(answer, 'tokenOk')?.valueBoolean === true,
    detail: param(answer, 'detail')?.valueString,
  };
}

/** One line for people about a connectivity check. */
export function checkSummary(c: CheckResult): string {
  if (c.reachable && c.tokenOk) return 'Connected: the partner answered and gave us a token.';
  if (c.reachable) return 'The partner answered, but did not give us a token.';
  return 'The partner could not be reached.';
}
