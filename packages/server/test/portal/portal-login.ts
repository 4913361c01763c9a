/**
 * Signing in through the patient portal's own client (`continuum-portal`) in tests: the real
 * authorize → login page → redirect to `<origin>/portal/callback` → PKCE code exchange, with the
 * scripted browser of test/auth/oauth-client.ts. Other portal tests reuse it for patient tokens.
 */
import assert from 'node:assert/strict';
import { frontChannel, pkce, tokenRequest, type FlowResult } from '../auth/oauth-client.ts';
import type { TestServer } from '../fixtures/server.ts';

export const PORTAL_CLIENT = 'continuum-portal';
export const PORTAL_SCOPE = 'openid fhirUser profile patient/*.rs patient/*.cu';

export const portalRedirect = (server: TestServer): string => `${server.origin}/portal/callback`;

/** The front channel only (for tests of the pages and refusals). */
export function portalFrontChannel(server: TestServer, user: { username: string; password: string }): Promise<FlowResult & { verifier: string }> {
  const { verifier, challenge } = pkce();
  return frontChannel(server.origin, { clientId: PORTAL_CLIENT, redirectUri: portalRedirect(server), scope: PORTAL_SCOPE, aud: server.base, challenge }, user).then((flow) => ({ ...flow, verifier }));
}

/** The portal's token response for a patient or proxy user. */
export async function portalSignIn(server: TestServer, user: { username: string; password: string }): Promise<Record<string, unknown> & { access_token: string }> {
  const flow = await portalFrontChannel(server, user);
  const code = flow.redirect.searchParams.get('code');
  assert.ok(code, `no code for ${user.username}: ${flow.redirect.href}`);
  const tok = await tokenRequest(server.origin, { grant_type: 'authorization_code', code, redirect_uri: portalRedirect(server), client_id: PORTAL_CLIENT, code_verifier: flow.verifier });
  assert.equal(tok.status, 200, JSON.stringify(tok.json));
  return tok.json as Record<string, unknown> & { access_token: string };
}
