/**
 * The server's own first-party OAuth clients, registered at every start:
 * - `continuum-web`, the clinician web app: redirect `<origin>/callback`, post-logout `<origin>/`;
 * - `continuum-portal`, the patient portal: redirect `<origin>/portal/callback`, post-logout
 *   `<origin>/portal/`. Only patient and proxy accounts may finish a sign-in through it (the
 *   login page and the grant refuse staff: routes.ts, provider.ts).
 * Both are public clients (authorization code with PKCE S256) whose redirect URIs follow whatever
 * origin the authorization server answers at. The origin is the issuer's own (a provider exists
 * per origin, or only the configured base URL), so the code never leaves the site that signed the
 * user in.
 *
 * Both are first-party: they show this server's data to this server's users, so the consent
 * screen is skipped for them (the sign-in, with MFA, is still required and audited). They ask
 * for no `offline_access`, so the user's idle time-out ends their tokens like any session.
 */
import type { AdapterPayload } from 'oidc-provider';
import type { ClientRegistry } from './clients.ts';

export const WEB_CLIENT_ID = 'continuum-web';
/** The most the web app may ask for; the user's role narrows it further on every request. */
export const WEB_CLIENT_SCOPE = 'openid fhirUser profile user/*.rs user/*.cud';
export const PORTAL_CLIENT_ID = 'continuum-portal';
/** The most the portal may ask for; the patient's compartment narrows it on every request. */
export const PORTAL_CLIENT_SCOPE = 'openid fhirUser profile patient/*.rs patient/*.cu';

interface FirstParty {
  name: string;
  scope: string;
  /** Below the origin. */
  callback: string;
  afterLogout: string;
}

const FIRST_PARTY: Record<string, FirstParty> = {
  [WEB_CLIENT_ID]: { name: 'Continuum web app', scope: WEB_CLIENT_SCOPE, callback: '/callback', afterLogout: '/' },
  [PORTAL_CLIENT_ID]: { name: 'Continuum MyHealth', scope: PORTAL_CLIENT_SCOPE, callback: '/portal/callback', afterLogout: '/portal/' },
};

export const isFirstParty = (clientId: string | undefined): boolean => clientId !== undefined && Object.hasOwn(FIRST_PARTY, clientId);

/** Registers the first-party clients missing in `tenantId` (an operator may disable them). */
export async function ensureFirstPartyClients(clients: ClientRegistry, tenantId: string): Promise<void> {
  for (const [clientId, spec] of Object.entries(FIRST_PARTY)) {
    if (await clients.get(clientId)) continue;
    // Loopback placeholders: the registry needs one redirect URI; the real one follows the origin.
    const redirectUris = [`http://localhost${spec.callback}`, `http://127.0.0.1${spec.callback}`];
    try {
      await clients.add({ clientId, tenantId, name: spec.name, auth: 'none', redirectUris, scope: spec.scope });
    } catch (err) {
      // Another node registered it at the same moment.
      if (!(await clients.get(clientId))) throw err;
    }
  }
}

/** A first-party client's metadata as the provider of `origin` sees it: its redirect URIs below that origin. */
export function forOrigin(clientId: string, metadata: AdapterPayload | undefined, origin: string | undefined): AdapterPayload | undefined {
  const spec = Object.hasOwn(FIRST_PARTY, clientId) ? FIRST_PARTY[clientId] : undefined;
  if (!metadata || !spec || !origin) return metadata;
  const redirectUris = [...new Set([`${origin}${spec.callback}`, ...((metadata.redirect_uris as string[] | undefined) ?? [])])];
  return { ...metadata, redirect_uris: redirectUris, post_logout_redirect_uris: [`${origin}${spec.afterLogout}`] };
}
