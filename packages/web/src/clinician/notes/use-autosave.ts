/**
 * Autosave for a draft note: the editor's section texts are written a moment after typing stops
 * (debounced), with the version last saved as If-Match. The state says what the user sees:
 * saving, saved at a time, failed (with the server's message; the next edit tries again), or a
 * conflict — someone else (another tab) changed the note — after which nothing more is written,
 * so the other change is never overwritten. `flush` saves at once and returns the stored note
 * (signing starts from it).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Composition } from '@medplum/fhirtypes';
import { FhirError, errorMessage } from '../../fhir/client.ts';
import { useFhir } from '../../fhir/use-fhir.ts';
import { withSectionTexts } from './composition.ts';

export type SaveState = { kind: 'idle' } | { kind: 'saving' } | { kind: 'saved'; at: Date } | { kind: 'error'; message: string } | { kind: 'conflict'; message: string };

export const AUTOSAVE_DELAY_MS = 800;

export function useAutosave(initial: Composition) {
  const client = useFhir();
  const [note, setNote] = useState(initial);
  const [texts, setTextsState] = useState<Record<string, string>>({});
  const [state, setState] = useState<SaveState>({ kind: 'idle' });
  const stored = useRef(initial);
  const latest = useRef<Record<string, string> | undefined>(undefined);
  const dirty = useRef(false);
  const timer = useRef<ReturnType<typeof setTimeout>>();
  const running = useRef<Promise<Composition> | undefined>(undefined);
  const stopped = useRef(false);

  const save = useCallback(async (): Promise<Composition> => {
    // One write at a time: each names the version the previous one stored.
    while (running.current) await running.current.catch(() => undefined);
    if (!dirty.current || !latest.current || stopped.current) return stored.current;
    dirty.current = false;
    setState({ kind: 'saving' });
    const run = client.update(withSectionTexts(stored.current, latest.current));
    running.current = run;
    try {
      const saved = await run;
      stored.current = saved;
      setNote(saved);
      setState(dirty.current ? { kind: 'saving' } : { kind: 'saved', at: new Date() });
      return saved;
    } catch (err) {
      if (err instanceof FhirError && err.conflict) {
        stopped.current = true;
        setState({ kind: 'conflict', message: 'This note was changed somewhere else (another tab or user). Your latest typing was not saved; reload to see the current version.' });
      } else {
        dirty.current = true;
        setState({ kind: 'error', message: errorMessage(err) });
      }
      throw err;
    } finally {
      running.current = undefined;
    }
  }, [client]);

  const setTexts = useCallback(
    (next: Record<string, string>, { immediate = false } = {}) => {
      setTextsState(next);
      latest.current = next;
      if (immediate) return;
      dirty.current = true;
      clearTimeout(timer.current);
      timer.current = setTimeout(() => void save().catch(() => undefined), AUTOSAVE_DELAY_MS);
    },
    [save],
  );

  const flush = useCallback(async (): Promise<Composition> => {
    clearTimeout(timer.current);
    return save();
  }, [save]);

  /** After a write of the note made elsewhere in this screen (signing): that version is current. */
  const replaced = useCallback((c: Composition) => {
    stored.current = c;
    setNote(c);
  }, []);

  /** Nothing more is written (the draft was discarded). */
  const stop = useCallback(() => {
    clearTimeout(timer.current);
    stopped.current = true;
  }, []);

  useEffect(() => () => clearTimeout(timer.current), []);
  // Closing or reloading the tab before the last typing is saved: the browser asks first.
  useEffect(() => {
    const warn = (e: BeforeUnloadEvent) => {
      if (!dirty.current && !running.current) return;
      void save().catch(() => undefined);
      e.preventDefault();
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [save]);
  // Leaving the page with unsaved typing: save it on the way out.
  useEffect(() => () => void (dirty.current ? save().catch(() => undefined) : undefined), [save]);

  return { note, texts, setTexts, state, flush, replaced, stop, stopped: state.kind === 'conflict' };
}
