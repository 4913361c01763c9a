/**
 * The pharmacy a prescription goes to: the pharmacies in the directory (Organizations of type
 * pharmacy, searched through the FHIR API), or none (the prescription is printed or phoned in).
 * For a new prescription it starts at the pharmacy the patient's last prescription went to.
 */
import { useEffect, useRef } from 'react';
import { Select } from '@mantine/core';
import type { Address, MedicationRequest, Organization } from '@medplum/fhirtypes';
import { useLoad } from '../../fhir/use-fhir.ts';
import type { PharmacyChoice } from '../orders/order-model.ts';
import { lastPharmacy, PHARMACY_TYPE } from './prescription-model.ts';

const NONE = 'none';
const where = (a: Address | undefined): string => [a?.line?.[0], a?.city].filter(Boolean).join(', ');

export function PharmacyPicker({ value, onChange, patientId, error }: { value: PharmacyChoice | undefined; onChange: (p: PharmacyChoice | undefined) => void; patientId?: string; error?: string }) {
  const { data, error: loadError } = useLoad(
    async (c, signal) => {
      const [pharmacies, recent] = await Promise.all([
        c.searchResources('Organization', { type: PHARMACY_TYPE, _sort: 'name', _count: '100' }, signal),
        patientId ? c.searchResources('MedicationRequest', { patient: patientId, _sort: '-authoredon', _count: '20' }, signal) : Promise.resolve([] as MedicationRequest[]),
      ]);
      return { pharmacies, last: lastPharmacy(recent) };
    },
    [patientId],
  );
  // The patient's last pharmacy is offered once, for a form that has none yet.
  const defaulted = useRef(value !== undefined);
  useEffect(() => {
    if (defaulted.current || !data) return;
    defaulted.current = true;
    if (data.last && data.pharmacies.some((p) => `Organization/${p.id}` === data.last?.reference)) onChange(data.last);
  }, [data, onChange]);
  const label = (p: Organization) => `${p.name ?? 'Pharmacy'}${where(p.address?.[0]) ? ` (${where(p.address?.[0])})` : ''}`;
  const options = [{ value: NONE, label: 'No pharmacy: print or phone in' }, ...(data?.pharmacies ?? []).map((p) => ({ value: `Organization/${p.id}`, label: label(p) }))];
  if (value && !options.some((o) => o.value === value.reference)) options.push({ value: value.reference, label: value.display });
  return (
    <Select
      label="Pharmacy"
      description={data?.last && value?.reference === data.last.reference ? 'The pharmacy of the last prescription' : 'Where the e-prescription is sent'}
      data={options}
      value={value?.reference ?? NONE}
      searchable
      allowDeselect={false}
      error={error ?? (loadError ? 'The pharmacies could not be loaded' : undefined)}
      onChange={(v) => {
        defaulted.current = true;
        if (!v || v === NONE) return onChange(undefined);
        const p = data?.pharmacies.find((o) => `Organization/${o.id}` === v);
        onChange({ reference: v, display: p?.name ?? options.find((o) => o.value === v)?.label ?? v });
      }}
    />
  );
}
