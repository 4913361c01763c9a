/** A patient's chart at /patients/:id/:tab: the banner, always, and the tab's page. */
import { useNavigate, useParams } from 'react-router-dom';
import { Alert, Center, Loader, Stack, Tabs } from '@mantine/core';
import { useLoad } from '../fhir/use-fhir.ts';
import { humanName } from '../fhir/format.ts';
import { ChartBanner } from './ChartBanner.tsx';
import { loadChartSummary } from './chart-data.ts';
import { Summary } from './Summary.tsx';
import { Timeline } from './timeline/Timeline.tsx';
import { Trends } from './trends/Trends.tsx';
import { NoteList } from './notes/NoteList.tsx';
import { NotePage } from './notes/NotePage.tsx';
import { VitalsEntry } from './vitals/VitalsEntry.tsx';
import { VitalsTab } from './vitals/VitalsTab.tsx';
import { Orders } from './orders/Orders.tsx';
import { ClinicalListPanels, ClinicalListTabs } from './lists/ListTabs.tsx';
import { ExternalRecords } from '../exchange/external/ExternalRecords.tsx';
import { ChartReferrals } from '../exchange/referrals/ChartReferrals.tsx';
import { useCallback, useEffect, useState } from 'react';

export function Chart() {
  const { id = '', tab = 'summary', sub } = useParams();
  const navigate = useNavigate();
  // A write on a list tab bumps the revision: the banner and summary reload, the page stays.
  const [revision, setRevision] = useState(0);
  const reload = useCallback(() => setRevision((r) => r + 1), []);
  const { data, error } = useLoad((client, signal) => loadChartSummary(client, id, signal), [id, revision]);
  useEffect(() => {
    document.title = data ? `${humanName(data.patient.name)} · Continuum` : 'Chart · Continuum';
  }, [data]);
  if (error) {
    return (
      <Alert color="red" title="The chart could not be opened" role="alert" maw={700}>
        {error.message}
      </Alert>
    );
  }
  if (!data || data.patient.id !== id) {
    return (
      <Center h={240}>
        <Loader role="progressbar" aria-label="Loading the chart" />
      </Center>
    );
  }
  return (
    <Stack gap="md">
      <ChartBanner data={data} />
      <Tabs value={tab} onChange={(t) => t && navigate(`/patients/${id}/${t}`)} keepMounted={false}>
        <Tabs.List aria-label="Chart sections">
          <Tabs.Tab value="summary">Summary</Tabs.Tab>
          <Tabs.Tab value="timeline">Timeline</Tabs.Tab>
          <Tabs.Tab value="trends">Trends</Tabs.Tab>
          <Tabs.Tab value="notes">Notes</Tabs.Tab>
          <Tabs.Tab value="vitals">Vitals</Tabs.Tab>
          <Tabs.Tab value="orders">Orders</Tabs.Tab>
          <ClinicalListTabs />
          <Tabs.Tab value="external">Other organizations</Tabs.Tab>
          <Tabs.Tab value="referrals">Referrals</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="summary" pt="md">
          <Summary data={data} />
        </Tabs.Panel>
        <ClinicalListPanels patientId={id} onChanged={reload} />
        <Tabs.Panel value="timeline" pt="md">
          <Timeline patientId={id} />
        </Tabs.Panel>
        <Tabs.Panel value="trends" pt="md">
          <Trends patientId={id} />
        </Tabs.Panel>
        <Tabs.Panel value="notes" pt="md">
          {sub ? <NotePage patientId={id} noteId={sub} /> : <NoteList patientId={id} />}
        </Tabs.Panel>
        <Tabs.Panel value="vitals" pt="md">
          {sub === 'new' ? <VitalsEntry patientId={id} /> : <VitalsTab patientId={id} />}
        </Tabs.Panel>
        <Tabs.Panel value="orders" pt="md">
          <Orders patientId={id} />
        </Tabs.Panel>
        <Tabs.Panel value="external" pt="md">
          <ExternalRecords patientId={id} onChanged={reload} />
        </Tabs.Panel>
        <Tabs.Panel value="referrals" pt="md">
          <ChartReferrals patientId={id} />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
