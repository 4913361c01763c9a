/**
 * Calling a CDS hook from a screen: `useHook(request, key, delayMs)` calls the hook when `key`
 * changes (after `delayMs` of quiet, so typing does not flood the services), cancels the call a
 * newer one supersedes, and answers the cards and each service's status. A failed call is a
 * quiet `failed` message, never an exception: decision support must not stop the clinician.
 */
import { useEffect, useRef, useState } from 'react';
import { useFhir } from '../fhir/use-fhir.ts';
import { errorMessage } from '../fhir/client.ts';
import type { CdsCard, CdsServiceStatus, HookRequest } from './cds-types.ts';
import { callHook } from './hook-client.ts';
import { newUuid } from './uuid.ts';

export interface HookState {
  /** The key of the request these cards answer; undefined before any answer. */
  key: string | undefined;
  loading: boolean;
  cards: CdsCard[];
  services: CdsServiceStatus[];
  /** Why the hook could not be called at all (the dispatcher failed), if it could not. */
  failed: string | undefined;
}

const IDLE: HookState = { key: undefined, loading: false, cards: [], services: [], failed: undefined };

/** `key` names the request: the hook is called again only when it changes; undefined calls nothing. */
export function useHook(request: HookRequest | undefined, key: string | undefined, delayMs = 0): HookState {
  const client = useFhir();
  const [state, setState] = useState<HookState>(IDLE);
  const latest = useRef(request);
  latest.current = request;
  useEffect(() => {
    const req = latest.current;
    if (key === undefined || !req) {
      setState(IDLE);
      return;
    }
    const ac = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    const timer = setTimeout(() => {
      callHook(client, req.hook, req.context, newUuid(), ac.signal).then(
        (r) => !ac.signal.aborted && setState({ key, loading: false, cards: r.cards, services: r.services, failed: undefined }),
        (err: unknown) => !ac.signal.aborted && setState({ key, loading: false, cards: [], services: [], failed: errorMessage(err) }),
      );
    }, delayMs);
    return () => {
      clearTimeout(timer);
      ac.abort();
    };
  }, [client, key, delayMs]);
  // Until the effect has started the call for a new key, the last answer is already out of date.
  if (key === undefined) return IDLE;
  return state.key === key ? state : { ...state, loading: true };
}
