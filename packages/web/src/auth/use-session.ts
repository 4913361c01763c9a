/**
 * One web app's signed-in state, shared by the clinician app and the patient portal: the session
 * (token in memory only), the FHIR client carrying it, the redirect to the server's login when
 * there is none, and what the idle warning needs (the server's idle time from the page, the last
 * request made with the token, one request to stay signed in, the sign-out at the end). Paths
 * are the router's (below its basename), so a deep link comes back to itself after signing in.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useLocation } from 'react-router-dom';
import { beginSignIn, signOut, type Session, type SignInClient } from './session.ts';
import { idlePlan, type IdlePlan } from './idle.ts';
import { FhirClient } from '../fhir/client.ts';
import { pageIdleSeconds } from '../ui/IdleWarning.tsx';

export interface AppSession {
  session: Session | undefined;
  setSession: (session: Session) => void;
  client: FhirClient;
  /** True on the OAuth callback route, where the sign-in is being completed. */
  onCallback: boolean;
  /** The idle warning's inputs; no plan when the page carries no idle time. */
  idle: { plan: IdlePlan | undefined; lastActivity: () => number; stay: () => void; signOut: () => void };
  signOut: () => void;
}

export function useAppSession(signIn: SignInClient): AppSession {
  const location = useLocation();
  const [session, setSession] = useState<Session>();
  const current = useRef<Session>();
  current.current = session;
  // When a request with the user's token was last sent: the server's idle clock starts when it
  // arrives, a little later, so counting from here keeps the app's warning and logoff ahead of it.
  const lastActivity = useRef(Date.now());
  const client = useMemo(
    () =>
      new FhirClient({
        baseUrl: '/fhir',
        token: () => current.current?.accessToken,
        onUnauthorized: () => {
          // The token expired or was revoked (idle time-out): sign in again, then come back here.
          current.current = undefined;
          setSession(undefined);
        },
        onActivity: (sentAt) => {
          lastActivity.current = Math.max(lastActivity.current, sentAt);
        },
      }),
    [],
  );
  const plan = useMemo(() => idlePlan(pageIdleSeconds()), []);
  const getLastActivity = useCallback(() => lastActivity.current, []);
  const stay = useCallback(() => {
    // One request with the user's token resets the server's idle clock (and ours, on its answer).
    const [type, id] = current.current?.fhirUser?.split('/') ?? [];
    void (type && id ? client.read(type as 'Practitioner', id) : client.search('Patient', { _count: '1' })).catch(() => undefined);
  }, [client]);
  const endSession = useCallback(() => void signOut(current.current, signIn), [signIn]);
  useEffect(() => {
    if (session) lastActivity.current = Date.now();
  }, [session]);
  const onCallback = location.pathname === '/callback';
  const here = `${location.pathname}${location.search}`;
  useEffect(() => {
    if (!session && !onCallback) void beginSignIn(here, signIn);
    // Only a change of session starts a sign-in; `here` is read at that moment.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [session, onCallback, signIn]);
  return { session, setSession, client, onCallback, idle: { plan, lastActivity: getLastActivity, stay, signOut: endSession }, signOut: endSession };
}
