/**
 * The chart's clinical list tabs (Problems, Medications, Allergies, Immunizations) and their
 * panels, for Chart.tsx to place inside its Tabs. Each panel calls `onChanged` after a write so
 * the chart reloads its banner and summary.
 */
import { Tabs } from '@mantine/core';
import { AllergiesTab } from './AllergiesTab.tsx';
import { ImmunizationsTab } from './ImmunizationsTab.tsx';
import { MedicationsTab } from './MedicationsTab.tsx';
import { ProblemsTab } from './ProblemsTab.tsx';

export function ClinicalListTabs() {
  return (
    <>
      <Tabs.Tab value="problems">Problems</Tabs.Tab>
      <Tabs.Tab value="medications">Medications</Tabs.Tab>
      <Tabs.Tab value="allergies">Allergies</Tabs.Tab>
      <Tabs.Tab value="immunizations">Immunizations</Tabs.Tab>
    </>
  );
}

export function ClinicalListPanels({ patientId, onChanged }: { patientId: string; onChanged: () => void }) {
  return (
    <>
      <Tabs.Panel value="problems" pt="md">
        <ProblemsTab patientId={patientId} onChanged={onChanged} />
      </Tabs.Panel>
      <Tabs.Panel value="medications" pt="md">
        <MedicationsTab patientId={patientId} onChanged={onChanged} />
      </Tabs.Panel>
      <Tabs.Panel value="allergies" pt="md">
        <AllergiesTab patientId={patientId} onChanged={onChanged} />
      </Tabs.Panel>
      <Tabs.Panel value="immunizations" pt="md">
        <ImmunizationsTab patientId={patientId} onChanged={onChanged} />
      </Tabs.Panel>
    </>
  );
}
