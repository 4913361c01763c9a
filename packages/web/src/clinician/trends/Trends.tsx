/**
 * The chart's trends: a flowsheet of vital signs and labs (a row per measure, a column per day,
 * newest first) and trend charts of blood pressure, heart rate, weight, BMI and the key labs,
 * each against its reference range.
 */
import { useMemo } from 'react';
import { Alert, Card, Center, Loader, ScrollArea, Table, Text, Title } from '@mantine/core';
import { useLoad } from '../../fhir/use-fhir.ts';
import { formatDate, unitText } from '../../fhir/format.ts';
import { pivotFlowsheet, type Flowsheet as FlowsheetData } from './flowsheet.ts';
import { labNames, measuresOf, observationPoints, type Measure, type Point } from './measures.ts';
import { loadTrends } from './trends-data.ts';
import { TrendChart, type Series } from './TrendChart.tsx';
import '../chart-tabs.css';

/** The charts, each a title and its measures' codes with their colours; drawn when there are points. */
const CHARTS: readonly { title: string; lines: readonly [code: string, color: string][] }[] = [
  { title: 'Blood pressure', lines: [['8480-6', '#1f4e8c'], ['8462-4', '#2b8a3e']] },
  { title: 'Heart rate', lines: [['8867-4', '#862e9c']] },
  { title: 'Weight', lines: [['29463-7', '#1f4e8c']] },
  { title: 'BMI', lines: [['39156-5', '#5c4a00']] },
  { title: 'Hemoglobin A1c', lines: [['4548-4', '#c2255c']] },
  { title: 'Glucose', lines: [['2345-7', '#a61e4d']] },
  { title: 'LDL cholesterol', lines: [['18262-6', '#1864ab']] },
  { title: 'Total cholesterol', lines: [['2093-3', '#364fc7']] },
];

function FlowsheetTable({ sheet }: { sheet: FlowsheetData }) {
  const groups: [string, Measure['group']][] = [
    ['Vital signs', 'vitals'],
    ['Labs', 'labs'],
  ];
  return (
    // The viewport takes the focus, so the keyboard can scroll the days that do not fit.
    <ScrollArea type="auto" offsetScrollbars viewportProps={{ tabIndex: 0, role: 'region', 'aria-label': 'Flowsheet, scrolls sideways' }}>
      <Table className="flowsheet" fz="sm" verticalSpacing={4} withColumnBorders aria-label="Flowsheet" stickyHeader>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col" className="flowsheet-measure">
              Measure
            </Table.Th>
            {sheet.days.map((d) => (
              <Table.Th key={d} scope="col" data-day={d}>
                {formatDate(d)}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        {groups.map(([label, group]) => {
          const rows = sheet.rows.filter((r) => r.measure.group === group);
          if (rows.length === 0) return null;
          return (
            <Table.Tbody key={group}>
              <Table.Tr>
                <Table.Th scope="rowgroup" colSpan={sheet.days.length + 1}>
                  <span className="flowsheet-group">{label}</span>
                </Table.Th>
              </Table.Tr>
              {rows.map((r) => (
                <Table.Tr key={r.measure.code} data-measure={r.measure.code}>
                  <Table.Th scope="row" fw={500} className="flowsheet-measure">
                    {r.measure.label}
                  </Table.Th>
                  {sheet.days.map((d) => {
                    const p = r.cells.get(d);
                    return (
                      <Table.Td key={d} data-day={d} className={p?.abnormal ? 'abnormal' : undefined}>
                        {p && (
                          <>
                            <span data-value={p.value}>{p.value}</span>
                            {p.unit && <span className="muted">{unitText(p.unit)}</span>}
                            {p.abnormal && (
                              <abbr title="Outside the reference range" aria-label="outside the reference range">
                                {' '}!
                              </abbr>
                            )}
                          </>
                        )}
                      </Table.Td>
                    );
                  })}
                </Table.Tr>
              ))}
            </Table.Tbody>
          );
        })}
      </Table>
    </ScrollArea>
  );
}

export function Trends({ patientId }: { patientId: string }) {
  const { data, error, loading } = useLoad((client, signal) => loadTrends(client, patientId, window.location.origin, signal), [patientId]);
  const view = useMemo(() => {
    if (!data) return undefined;
    const points = observationPoints(data.observations);
    const measures = measuresOf(points, labNames(data.observations));
    const byCode = new Map<string, Point[]>();
    for (const p of points) byCode.set(p.measure, [...(byCode.get(p.measure) ?? []), p]);
    const measure = new Map(measures.map((m) => [m.code, m]));
    const charts = CHARTS.map((c) => ({
      title: c.title,
      series: c.lines.flatMap(([code, color]): Series[] => {
        const m = measure.get(code);
        const pts = byCode.get(code);
        return m && pts ? [{ measure: m, points: pts, color }] : [];
      }),
    })).filter((c) => c.series.length > 0);
    return { sheet: pivotFlowsheet(points, measures), charts };
  }, [data]);

  if (error) {
    return (
      <Alert color="red" title="The trends could not be loaded" role="alert">
        {error.message}
      </Alert>
    );
  }
  if (loading || !view || !data) {
    return (
      <Center h={200}>
        <Loader role="progressbar" aria-label="Loading the trends" />
      </Center>
    );
  }
  return (
    <>
      <Card withBorder padding="md" component="section" aria-labelledby="trend-charts-title" mb="md">
        <Title order={2} size="h4" id="trend-charts-title" mb="sm">
          Trends
        </Title>
        {view.charts.length === 0 ? (
          <Text size="sm" className="muted">No vital signs or key labs recorded</Text>
        ) : (
          <div className="trend-grid">
            {view.charts.map((c) => (
              <TrendChart key={c.title} title={c.title} series={c.series} />
            ))}
          </div>
        )}
      </Card>
      <Card withBorder padding="md" component="section" aria-labelledby="flowsheet-title">
        <Title order={2} size="h4" id="flowsheet-title" mb="sm">
          Flowsheet
        </Title>
        {data.truncated && (
          <Text size="xs" className="muted" mb="xs">
            Showing the most recent observations only.
          </Text>
        )}
        {view.sheet.rows.length === 0 ? <Text size="sm" className="muted">No vital signs or labs recorded</Text> : <FlowsheetTable sheet={view.sheet} />}
      </Card>
    </>
  );
}
