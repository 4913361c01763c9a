/** React access to the shared FHIR client, and a small hook for loading data with it. */
import { createContext, useContext, useEffect, useState, type DependencyList } from 'react';
import type { FhirClient } from './client.ts';

export const FhirContext = createContext<FhirClient | undefined>(undefined);

export function useFhir(): FhirClient {
  const client = useContext(FhirContext);
  if (!client) throw new Error('useFhir needs a FhirContext provider');
  return client;
}

export interface Loaded<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
}

/** Runs `load` when `deps` change; a newer run cancels the older one's request. */
export function useLoad<T>(load: (client: FhirClient, signal: AbortSignal) => Promise<T>, deps: DependencyList): Loaded<T> {
  const client = useFhir();
  const [state, setState] = useState<Loaded<T>>({ data: undefined, error: undefined, loading: true });
  useEffect(() => {
    const ac = new AbortController();
    setState((s) => ({ ...s, loading: true, error: undefined }));
    load(client, ac.signal).then(
      (data) => !ac.signal.aborted && setState({ data, error: undefined, loading: false }),
      (error: unknown) => !ac.signal.aborted && setState({ data: undefined, error: error instanceof Error ? error : new Error(String(error)), loading: false }),
    );
    return () => ac.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [client, ...deps]);
  return state;
}
