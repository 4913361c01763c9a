/**
 * The order forms' code picker: a labelled, searchable choice of a lab test (LOINC) or a
 * medication (RxNorm). Its props are the shared CodePicker's, so either can stand in for the other.
 */
import { Select } from '@mantine/core';
import type { Coding } from '@medplum/fhirtypes';
import { orderables } from './orderables.ts';

export interface PickerProps {
  label: string;
  system: string;
  value: Coding | undefined;
  onChange: (coding: Coding | undefined) => void;
  required?: boolean;
  error?: string;
}

export function OrderablePicker({ label, system, value, onChange, required, error }: PickerProps) {
  const list = orderables(system);
  return (
    <Select
      label={label}
      placeholder="Type to search"
      searchable
      clearable
      nothingFoundMessage="No match in the orderable list"
      data={list.map((c) => ({ value: c.code ?? '', label: `${c.display ?? c.code} (${c.code})` }))}
      value={value?.code ?? null}
      onChange={(code) => onChange(list.find((c) => c.code === code))}
      required={required}
      error={error}
    />
  );
}
