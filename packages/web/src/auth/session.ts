/**
 * Sign-in for the web apps, as public OAuth clients of this server's authorization server
 * (authorization code with PKCE S256): the clinician app as `continuum-web` (`/callback`), the
 * patient portal as `continuum-portal` (`/portal/callback`). The access token lives in memory only: a
 * reload signs in again through the server's session cookie, silently while that session lasts.
 * Only the pending request's state, PKCE verifier and return path sit in sessionStorage, for the
 * length of one redirect.
 */
import { challengeOf, randomToken } from './pkce.ts';
import { rolesFromClaim, type StaffRole } from './roles.ts';

/** One app's OAuth client: its id, the scope it asks for, and its paths on this origin. */
export interface SignInClient {
  clientId: string;
  scope: string;
  /** Where the code comes back, e.g. `/callback`. */
  callbackPath: string;
  /** Where the browser lands after signing out, e.g. `/`. */
  signedOutPath: string;
}

/** The clinician app's client. */
export const STAFF_CLIENT: SignInClient = { clientId: 'continuum-web', scope: 'openid fhirUser profile user/*.rs user/*.cud', callbackPath: '/callback', signedOutPath: '/' };
/** The patient portal's client (the server registers it; see docs/portal-web.md). */
export const PORTAL_CLIENT: SignInClient = { clientId: 'continuum-portal', scope: 'openid fhirUser profile patient/*.rs patient/*.cu', callbackPath: '/portal/callback', signedOutPath: '/portal/' };

const pendingKey = (client: SignInClient): string => `continuum.signin.${client.clientId}`;

export interface Session {
  accessToken: string;
  /** e.g. `Practitioner/abc`, from the id_token's fhirUser claim. */
  fhirUser?: string;
  username?: string;
  /** The staff roles from the id_token's `roles` claim; they choose the navigation shown. */
  roles: StaffRole[];
  idToken?: string;
  /** The token response's launch context `patient` (a patient user's own id; a proxy's first). */
  patient?: string;
  expiresAt: number;
}

interface Pending {
  state: string;
  verifier: string;
  returnTo: string;
}

const origin = (): string => window.location.origin;
export const redirectUri = (client: SignInClient = STAFF_CLIENT): string => `${origin()}${client.callbackPath}`;

/** Sends the browser to the authorization server; comes back to the client's callback path. */
export async function beginSignIn(returnTo: string, client: SignInClient = STAFF_CLIENT): Promise<void> {
  const pending: Pending = { state: randomToken(16), verifier: randomToken(48), returnTo };
  sessionStorage.setItem(pendingKey(client), JSON.stringify(pending));
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: client.clientId,
    redirect_uri: redirectUri(client),
    scope: client.scope,
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

/** Finishes the sign-in on the callback path: checks the state and trades the code for tokens. */
export async function completeSignIn(search: string, client: SignInClient = STAFF_CLIENT): Promise<{ session: Session; returnTo: string }> {
  const params = new URLSearchParams(search);
  const pending = JSON.parse(sessionStorage.getItem(pendingKey(client)) ?? 'null') as Pending | null;
  sessionStorage.removeItem(pendingKey(client));
  const error = params.get('error');
  if (error) throw new Error(params.get('error_description') ?? error);
  const code = params.get('code');
  if (!pending || !code || params.get('state') !== pending.state) throw new Error('The sign-in could not be completed. Please sign in again.');
  const res = await fetch('/oauth/token', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri(client), client_id: client.clientId, code_verifier: pending.verifier }).toString(),
  });
  const json = (await res.json()) as { access_token?: string; id_token?: string; expires_in?: number; patient?: string; error_description?: string };
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
    ...(typeof json.patient === 'string' ? { patient: json.patient } : {}),
  };
  return { session, returnTo: pending.returnTo.startsWith('/') && !pending.returnTo.startsWith('//') ? pending.returnTo : '/' };
}

/** Revokes the token and ends the server session (the server asks the user to confirm). */
export async function signOut(session: Session | undefined, client: SignInClient = STAFF_CLIENT): Promise<void> {
  if (session) {
    await fetch('/oauth/token/revocation', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: session.accessToken, token_type_hint: 'access_token', client_id: client.clientId }).toString(),
    }).catch(() => undefined);
  }
  const params = new URLSearchParams({ client_id: client.clientId, post_logout_redirect_uri: `${origin()}${client.signedOutPath}` });
  if (session?.idToken) params.set('id_token_hint', session.idToken);
  window.location.assign(`/oauth/session/end?${params.toString()}`);
}
