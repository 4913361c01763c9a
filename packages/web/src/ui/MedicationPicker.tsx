/**
 * A labelled search-as-you-type picker over the medication catalogue (`MedicationKnowledge/
 * $catalogue`): what is typed is split into name, strength and form ("atorvastatin 40 tab",
 * fhir/medications.ts), the server is asked after a short pause (a newer keystroke cancels the
 * older request), and each match shows the drug's name, strength, form and drug classes. Choosing
 * one gives the form the RxNorm `Coding` (and the catalogue drug). It works from the keyboard
 * alone, like CodePicker: arrows move, Enter chooses, Escape closes the list and puts back the
 * chosen drug; too-short input, no match and a failed search each say so. Emptying the box
 * clears the value.
 */
import { useEffect, useId, useState, type ReactNode } from 'react';
import { Badge, CloseButton, Combobox, Group, InputBase, Loader, Stack, Text, useCombobox } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import './code-picker.css';
import type { Coding } from '@medplum/fhirtypes';
import { useFhir } from '../fhir/use-fhir.ts';
import { errorMessage } from '../fhir/client.ts';
import { parseTyped, searchCatalogue, type CatalogueDrug, type CatalogueResult } from '../fhir/medications.ts';
import { MIN_FILTER_LENGTH, searchable } from '../fhir/terminology.ts';

export interface MedicationPickerProps {
  label: string;
  value: Coding | undefined;
  /** The chosen RxNorm coding, with the catalogue drug it came from (undefined when cleared). */
  onChange: (coding: Coding | undefined, drug?: CatalogueDrug) => void;
  required?: boolean;
  error?: ReactNode;
  description?: ReactNode;
  placeholder?: string;
  /** How many matches to show (default 20). */
  count?: number;
  /** The pause after typing before searching, in ms (default 250). */
  debounceMs?: number;
}

/** A finished search names the text it answers (`filter`), so an answer for older text never passes for the current one. */
type Search = { kind: 'idle' } | { kind: 'loading' } | { kind: 'done'; filter: string; result: CatalogueResult } | { kind: 'error'; filter: string; message: string };

const shownText = (c: Coding | undefined): string => c?.display ?? c?.code ?? '';

export function MedicationPicker({ label, value, onChange, required, error, description, placeholder, count = 20, debounceMs = 250 }: MedicationPickerProps) {
  const client = useFhir();
  const combobox = useCombobox();
  const statusId = useId();
  const [text, setText] = useState(shownText(value));
  const [editing, setEditing] = useState(false);
  const [debounced] = useDebouncedValue(text, debounceMs);
  const [search, setSearch] = useState<Search>({ kind: 'idle' });

  useEffect(() => {
    if (!editing) setText(shownText(value));
  }, [value, editing]);

  useEffect(() => {
    const query = parseTyped(debounced);
    if (!editing || !searchable(query.name ?? '')) {
      setSearch({ kind: 'idle' });
      return;
    }
    const ac = new AbortController();
    setSearch({ kind: 'loading' });
    searchCatalogue(client, query, count, ac.signal).then(
      (result) => !ac.signal.aborted && setSearch({ kind: 'done', filter: debounced, result }),
      (err: unknown) => !ac.signal.aborted && setSearch({ kind: 'error', filter: debounced, message: errorMessage(err) }),
    );
    return () => ac.abort();
  }, [client, debounced, editing, count]);

  const ready = searchable(parseTyped(text).name ?? '');
  // Until a search has answered the text now in the box (see CodePicker: in the render where the
  // pause ends, the answer shown is still the older text's).
  const pending = editing && ready && !((search.kind === 'done' || search.kind === 'error') && search.filter === text);
  const drugs = search.kind === 'done' && !pending ? search.result.drugs : [];
  const typed = text.trim();

  useEffect(() => {
    if (drugs.length > 0) combobox.selectFirstOption();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [search, pending]);

  const choose = (drug: CatalogueDrug | undefined): void => {
    onChange(drug?.coding, drug);
    setText(shownText(drug?.coding));
    setEditing(false);
    combobox.closeDropdown();
  };

  const cancel = (): void => {
    setEditing(false);
    setText(shownText(value));
    combobox.closeDropdown();
  };

  let status: ReactNode;
  if (!ready) status = `Type at least ${MIN_FILTER_LENGTH} letters of a drug name, then a strength or form if you like (e.g. “atorvastatin 40 tab”)`;
  else if (pending) status = 'Searching…';
  else if (search.kind === 'error') status = `Could not search the medication catalogue: ${search.message}`;
  else if (search.kind === 'done' && drugs.length === 0) status = `No medication matches “${typed}”`;
  else if (search.kind === 'done' && search.result.total > drugs.length) status = `Showing ${drugs.length} of ${search.result.total} matches: type more to narrow`;

  const right = value ? (
    <CloseButton size="sm" aria-label={`Clear ${label}`} onClick={() => choose(undefined)} />
  ) : pending ? (
    <Loader size={16} aria-hidden />
  ) : (
    <Combobox.Chevron />
  );

  return (
    <Combobox store={combobox} onOptionSubmit={(key) => choose(drugs[Number(key)])} withinPortal>
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
          placeholder={placeholder ?? 'Search medications by name, strength and form'}
          value={text}
          rightSection={right}
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
        <Combobox.Options aria-label="Medication matches" mah={360} style={{ overflowY: 'auto' }}>
          {drugs.map((d, i) => (
            <Combobox.Option value={String(i)} key={`${d.coding.code ?? ''}-${i}`} className="code-picker-option">
              <Stack gap={2}>
                <Group gap="xs" wrap="nowrap" align="baseline">
                  <Text size="sm" fw={600}>
                    {d.name}
                  </Text>
                  {d.strength && <Text size="sm">{d.strength}</Text>}
                  {d.form && (
                    <Text size="sm" c="gray.7">
                      {d.form}
                    </Text>
                  )}
                  {d.brand && (
                    <Text size="sm" c="gray.7">
                      [{d.brand}]
                    </Text>
                  )}
                </Group>
                {d.classes.length > 0 && (
                  <Group gap={4}>
                    {d.classes.map((c) => (
                      <Badge key={c} size="xs" variant="light" color="gray" c="gray.9" tt="none">
                        {c}
                      </Badge>
                    ))}
                  </Group>
                )}
              </Stack>
            </Combobox.Option>
          ))}
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
