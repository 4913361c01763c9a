/**
 * Sign-in for the web app, as a public OAuth client (`continuum-web`, authorization code with
 * PKCE S256) of this server's authorization server. The access token lives in memory only: a
 * reload signs in again through the server's session cookie, silently while that session lasts.
 * Only the pending request's state, PKCE verifier and return path sit in sessionStorage, for the
 * length of one redirect.
 */
import { challengeOf, randomToken } from './pkce.ts';
import { rolesFromClaim, type StaffRole } from './roles.ts';

export const CLIENT_ID = 'continuum-web';
export const SCOPE = 'openid fhirUser profile user/*.rs user/*.cud';
const PENDING = 'continuum.signin';

export interface Session {
  accessToken: string;
  /** e.g. `Practitioner/abc`, from the id_token's fhirUser claim. */
  fhirUser?: string;
  username?: string;
  /** The staff roles from the id_token's `roles` claim; they choose the navigation shown. */
  roles: StaffRole[];
  idToken?: string;
  expiresAt: number;
}

interface Pending {
  state: string;
  verifier: string;
  returnTo: string;
}

const origin = (): string => window.location.origin;
export const redirectUri = (): string => `${origin()}/callback`;

/** Sends the browser to the authorization server; comes back to /callback. */
export async function beginSignIn(returnTo: string): Promise<void> {
  const pending: Pending = { state: randomToken(16), verifier: randomToken(48), returnTo };
  sessionStorage.setItem(PENDING, JSON.stringify(pending));
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: CLIENT_ID,
    redirect_uri: redirectUri(),
    scope: SCOPE,
    state: pending.state,
    code_challenge: await challengeOf(pending.verifier),
    code_challenge_method: 'S256',
    aud: `${origin()}/fhir`,
  });
  window.location.assign(`/oauth/auth?${params.toString()}`);
}

function claims(idToken: string | undefined): Record<string, unknown> {
  const part = idToken?.split('.')[1];
  if (!part) return {};
  try {
    return JSON.parse(atob(part.replace(/-/g, '+').replace(/_/g, '/'))) as Record<string, unknown>;
  } catch {
    return {};
  }
}

/** Finishes the sign-in on /callback: checks the state and trades the code for tokens. */
export async function completeSignIn(search: string): Promise<{ session: Session; returnTo: string }> {
  const params = new URLSearchParams(search);
  const pending = JSON.parse(sessionStorage.getItem(PENDING) ?? 'null') as Pending | null;
  sessionStorage.removeItem(PENDING);
  const error = params.get('error');
  if (error) throw new Error(params.get('error_description') ?? error);
  const code = params.get('code');
  if (!pending || !code || params.get('state') !== pending.state) throw new Error('The sign-in could not be completed. Please sign in again.');
  const res = await fetch('/oauth/token', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri(), client_id: CLIENT_ID, code_verifier: pending.verifier }).toString(),
  });
  const json = (await res.json()) as { access_token?: string; id_token?: string; expires_in?: number; error_description?: string };
  if (!res.ok || !json.access_token) throw new Error(json.error_description ?? 'The sign-in could not be completed.');
  const c = claims(json.id_token);
  const fhirUser = typeof c.fhirUser === 'string' ? c.fhirUser.replace(/^.*\/fhir\//, '') : undefined;
  const session: Session = {
    accessToken: json.access_token,
    expiresAt: Date.now() + (json.expires_in ?? 3600) * 1000,
    roles: rolesFromClaim(c.roles),
    ...(fhirUser ? { fhirUser } : {}),
    ...(typeof c.preferred_username === 'string' ? { username: c.preferred_username } : {}),
    ...(json.id_token ? { idToken: json.id_token } : {}),
  };
  return { session, returnTo: pending.returnTo.startsWith('/') && !pending.returnTo.startsWith('//') ? pending.returnTo : '/' };
}

/** Revokes the token and ends the server session (the server asks the user to confirm). */
export async function signOut(session: Session | undefined): Promise<void> {
  if (session) {
    await fetch('/oauth/token/revocation', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: session.accessToken, token_type_hint: 'access_token', client_id: CLIENT_ID }).toString(),
    }).catch(() => undefined);
  }
  const params = new URLSearchParams({ client_id: CLIENT_ID, post_logout_redirect_uri: `${origin()}/` });
  if (session?.idToken) params.set('id_token_hint', session.idToken);
  window.location.assign(`/oauth/session/end?${params.toString()}`);
}
