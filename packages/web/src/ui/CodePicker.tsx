/**
 * A labelled search-as-you-type picker for one code system (ICD-10-CM, RxNorm, CVX or LOINC):
 * typing asks the server's `ValueSet/$expand` after a short pause (a newer keystroke cancels the
 * older request), the matches show code and display, and choosing one gives the form a FHIR
 * `Coding`. It works from the keyboard alone: arrows move through the matches, Enter chooses,
 * Escape closes the list and puts back the chosen entry. Too-short input, no match and a failed
 * search each say so in the list. With `freeText`, the typed words can be kept uncoded (a
 * Coding with only a display) when no code fits. Emptying the box clears the value.
 */
import { useEffect, useId, useLayoutEffect, useState, type ReactNode } from 'react';
import { CloseButton, Combobox, Group, InputBase, Loader, Text, useCombobox } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import './code-picker.css';
import type { Coding } from '@medplum/fhirtypes';
import { useFhir } from '../fhir/use-fhir.ts';
import { expand, MIN_FILTER_LENGTH, searchable, TERMINOLOGY, type Expansion, type TerminologySystem } from '../fhir/terminology.ts';
import { errorMessage } from '../fhir/client.ts';

export interface CodePickerProps {
  label: string;
  system: TerminologySystem;
  value: Coding | undefined;
  onChange: (coding: Coding | undefined) => void;
  required?: boolean;
  error?: ReactNode;
  description?: ReactNode;
  placeholder?: string;
  /** Offer to keep the typed text uncoded when no code fits. */
  freeText?: boolean;
  /** How many matches to show (default 20). */
  count?: number;
  /** The pause after typing before searching, in ms (default 250). */
  debounceMs?: number;
}

/** A finished search names the text it answers (`filter`), so an answer for older text never passes for the current one. */
type Search = { kind: 'idle' } | { kind: 'loading' } | { kind: 'done'; filter: string; result: Expansion } | { kind: 'error'; filter: string; message: string };

const FREE_TEXT = 'free-text';
const shownText = (c: Coding | undefined): string => c?.display ?? c?.code ?? '';

export function CodePicker({ label, system, value, onChange, required, error, description, placeholder, freeText, count = 20, debounceMs = 250 }: CodePickerProps) {
  const client = useFhir();
  const combobox = useCombobox();
  const statusId = useId();
  const [text, setText] = useState(shownText(value));
  const [editing, setEditing] = useState(false);
  const [debounced] = useDebouncedValue(text, debounceMs);
  const [search, setSearch] = useState<Search>({ kind: 'idle' });
  const name = TERMINOLOGY[system].name;

  // Outside editing, the box shows the chosen entry (also when the form changes it).
  useEffect(() => {
    if (!editing) setText(shownText(value));
  }, [value, editing]);

  useEffect(() => {
    if (!editing || !searchable(debounced)) {
      setSearch({ kind: 'idle' });
      return;
    }
    const ac = new AbortController();
    setSearch({ kind: 'loading' });
    expand(client, system, debounced, count, ac.signal).then(
      (result) => !ac.signal.aborted && setSearch({ kind: 'done', filter: debounced, result }),
      (err: unknown) => !ac.signal.aborted && setSearch({ kind: 'error', filter: debounced, message: errorMessage(err) }),
    );
    return () => ac.abort();
  }, [client, system, debounced, editing, count]);

  // Until a search has answered the text now in the box. (Comparing `debounced` with `text` is not
  // enough: in the render where the pause ends, the answer still shown is the older text's, and
  // the search for this one has not started yet.)
  const pending = editing && searchable(text) && !((search.kind === 'done' || search.kind === 'error') && search.filter === text);
  const codings = search.kind === 'done' && !pending ? search.result.codings : [];
  const typed = text.trim();

  // The best match is pre-selected, so Enter takes it; arrows move from there. A layout effect:
  // it runs in the same commit that puts the matches in the page, so there is no moment when the
  // list shows with nothing selected and an Enter would choose nothing.
  useLayoutEffect(() => {
    if (codings.length > 0 || (freeText && typed)) combobox.selectFirstOption();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [search, pending]);

  const choose = (coding: Coding | undefined): void => {
    onChange(coding);
    setText(shownText(coding));
    setEditing(false);
    combobox.closeDropdown();
  };

  const onOptionSubmit = (key: string): void => {
    if (key === FREE_TEXT) choose({ display: typed });
    else choose(codings[Number(key)]);
  };

  // Backing out puts the chosen entry back at once (not after the effect above runs).
  const cancel = (): void => {
    setEditing(false);
    setText(shownText(value));
    combobox.closeDropdown();
  };

  let status: ReactNode;
  if (!searchable(text)) status = `Type at least ${MIN_FILTER_LENGTH} letters or digits of a ${name} name or code`;
  else if (pending) status = 'Searching…';
  else if (search.kind === 'error') status = `Could not search ${name}: ${search.message}`;
  else if (search.kind === 'done' && codings.length === 0) status = `No ${name} code matches “${typed}”`;
  else if (search.kind === 'done' && search.result.total > codings.length) status = `Showing ${codings.length} of ${search.result.total} matches: type more to narrow`;

  const right = value?.code ? (
    <Group gap={4} wrap="nowrap" pr={6}>
      <Text ff="monospace" size="xs" c="gray.7" aria-hidden>
        {value.code}
      </Text>
      <CloseButton size="sm" aria-label={`Clear ${label}`} onClick={() => choose(undefined)} />
    </Group>
  ) : pending ? (
    <Loader size={16} aria-hidden />
  ) : value ? (
    <CloseButton size="sm" aria-label={`Clear ${label}`} onClick={() => choose(undefined)} />
  ) : (
    <Combobox.Chevron />
  );

  return (
    <Combobox store={combobox} onOptionSubmit={onOptionSubmit} withinPortal>
      {/* The box always says whether its list is open (ARIA 1.2 requires it of a combobox; the library sets it only while open). */}
      <Combobox.Target {...{ 'aria-expanded': editing && combobox.dropdownOpened }}>
        <InputBase
          label={label}
          description={description}
          error={error}
          withAsterisk={required}
          aria-required={required || undefined}
          role="combobox"
          aria-autocomplete="list"
          aria-describedby={status && combobox.dropdownOpened ? statusId : undefined}
          placeholder={placeholder ?? `Search ${name} by name or code`}
          value={text}
          rightSection={right}
          rightSectionWidth={value?.code ? 40 + value.code.length * 8 : undefined}
          rightSectionPointerEvents={value ? 'all' : 'none'}
          onChange={(e) => {
            const next = e.currentTarget.value;
            setText(next);
            setEditing(true);
            if (next.trim() === '' && value) onChange(undefined);
            combobox.openDropdown();
            combobox.updateSelectedOptionIndex();
          }}
          onClick={() => editing && combobox.openDropdown()}
          onBlur={cancel}
          onKeyDown={(e) => {
            if (e.key === 'Escape' && (editing || combobox.dropdownOpened)) {
              e.stopPropagation();
              cancel();
            }
          }}
        />
      </Combobox.Target>
      <Combobox.Dropdown hidden={!editing}>
        <Combobox.Options aria-label={`${name} matches`} mah={320} style={{ overflowY: 'auto' }}>
          {codings.map((c, i) => (
            <Combobox.Option value={String(i)} key={`${c.code ?? ''}-${i}`} className="code-picker-option">
              <Group gap="sm" wrap="nowrap" align="flex-start">
                <Text ff="monospace" size="sm" fw={600} miw={72} c="continuum.8">
                  {c.code}
                </Text>
                <Text size="sm">{c.display}</Text>
              </Group>
            </Combobox.Option>
          ))}
          {freeText && typed && !pending && (
            <Combobox.Option value={FREE_TEXT} className="code-picker-option">
              <Text size="sm">
                Use “{typed}” without a code
              </Text>
            </Combobox.Option>
          )}
        </Combobox.Options>
        {status && (
          <Combobox.Footer>
            <Text id={statusId} size="xs" c={search.kind === 'error' && !pending ? 'red.8' : 'gray.7'} role={search.kind === 'error' && !pending ? 'alert' : 'status'}>
              {status}
            </Text>
          </Combobox.Footer>
        )}
      </Combobox.Dropdown>
    </Combobox>
  );
}
