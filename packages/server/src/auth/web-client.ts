/**
 * The clinician web app's own OAuth client (`continuum-web`): a public client (authorization
 * code with PKCE S256), registered at every start, whose redirect URI is `<origin>/callback` for
 * whatever origin the authorization server answers at. The origin is the issuer's own (a
 * provider exists per origin, or only the configured base URL), so the code never leaves the site
 * that signed the user in.
 *
 * The app is first-party: it shows this server's data to this server's users, so the consent
 * screen is skipped for it (the sign-in, with MFA, is still required and audited). It asks for
 * no `offline_access`, so the user's idle time-out ends its tokens like any session.
 */
import type { AdapterPayload } from 'oidc-provider';
import type { ClientRegistry } from './clients.ts';

export const WEB_CLIENT_ID = 'continuum-web';
/** The most the web app may ask for; the user's role narrows it further on every request. */
export const WEB_CLIENT_SCOPE = 'openid fhirUser profile user/*.rs user/*.cud';
/** Loopback placeholders: the registry needs one redirect URI; the real one follows the origin. */
const PLACEHOLDER_REDIRECTS = ['http://localhost/callback', 'http://127.0.0.1/callback'];

/** Registers the web app's client in `tenantId` when it is missing (an operator may disable it). */
export async function ensureWebClient(clients: ClientRegistry, tenantId: string): Promise<void> {
  if (await clients.get(WEB_CLIENT_ID)) return;
  try {
    await clients.add({ clientId: WEB_CLIENT_ID, tenantId, name: 'Continuum web app', auth: 'none', redirectUris: PLACEHOLDER_REDIRECTS, scope: WEB_CLIENT_SCOPE });
  } catch (err) {
    // Another node registered it at the same moment.
    if (!(await clients.get(WEB_CLIENT_ID))) throw err;
  }
}

/** The web client's metadata as the provider of `origin` sees it: redirect URI `<origin>/callback`. */
export function forOrigin(clientId: string, metadata: AdapterPayload | undefined, origin: string | undefined): AdapterPayload | undefined {
  if (!metadata || clientId !== WEB_CLIENT_ID || !origin) return metadata;
  const redirectUris = [...new Set([`${origin}/callback`, ...((metadata.redirect_uris as string[] | undefined) ?? [])])];
  return { ...metadata, redirect_uris: redirectUris, post_logout_redirect_uris: [`${origin}/`] };
}
