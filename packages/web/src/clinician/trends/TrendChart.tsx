/**
 * One trend chart (recharts): a line per measure over time, each measure's reference range as a
 * shaded band, and points outside it (or flagged by the lab) drawn larger in red. The picture is
 * hidden from screen readers; the figure's caption summarises it and a table lists every value.
 */
import { CartesianGrid, Line, LineChart, ReferenceArea, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { Table, Text } from '@mantine/core';
import { formatDate } from '../../fhir/format.ts';
import { seriesRange, seriesSummary, type Series } from './chart-summary.ts';

export type { Series } from './chart-summary.ts';

const ABNORMAL = '#b3261e';

interface DotProps {
  cx?: number;
  cy?: number;
  payload?: Record<string, number | boolean | undefined>;
}

export function TrendChart({ title, series }: { title: string; series: Series[] }) {
  // One row per instant, with each series' value (and abnormal mark) under its code.
  const rows = new Map<number, Record<string, number | boolean | undefined>>();
  for (const s of series) {
    for (const p of s.points) {
      const t = Date.parse(p.date);
      const row = rows.get(t) ?? { t };
      row[s.measure.code] = p.value;
      row[`${s.measure.code}:abnormal`] = p.abnormal;
      rows.set(t, row);
    }
  }
  const data = [...rows.values()].sort((a, b) => (a.t as number) - (b.t as number));
  const values = series.flatMap((s) => s.points.map((p) => p.value));
  const bounds = series.flatMap((s) => {
    const r = seriesRange(s.points);
    return [r?.low, r?.high].filter((v): v is number => v !== undefined);
  });
  const min = Math.min(...values, ...bounds);
  const max = Math.max(...values, ...bounds);
  const pad = (max - min) * 0.1 || 1;
  const domain: [number, number] = [Math.floor(min - pad), Math.ceil(max + pad)];
  const id = `trend-${title.toLowerCase().replace(/\W+/g, '-')}`;
  return (
    <figure className="trend-figure" aria-labelledby={`${id}-caption`} data-trend={title}>
      <Text component="figcaption" size="sm" id={`${id}-caption`} mb="xs">
        <Text span fw={700}>
          {title}.
        </Text>{' '}
        {series.map(seriesSummary).join(' ')}
      </Text>
      <div aria-hidden="true">
        <ResponsiveContainer width="100%" height={220}>
          <LineChart data={data} margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
            <CartesianGrid stroke="#e3e7ec" />
            <XAxis dataKey="t" type="number" scale="time" domain={['dataMin', 'dataMax']} tickFormatter={(t: number) => new Date(t).toISOString().slice(0, 7)} fontSize={12} />
            <YAxis domain={domain} fontSize={12} width={44} />
            {series.map((s) => {
              const r = seriesRange(s.points);
              return r ? <ReferenceArea key={`band-${s.measure.code}`} y1={r.low ?? domain[0]} y2={r.high ?? domain[1]} fill={s.color} fillOpacity={0.12} stroke="none" className="reference-band" /> : null;
            })}
            <Tooltip labelFormatter={(t: number) => formatDate(new Date(t).toISOString())} />
            {series.map((s) => (
              <Line
                key={s.measure.code}
                dataKey={s.measure.code}
                name={s.measure.label}
                stroke={s.color}
                strokeWidth={2}
                connectNulls
                isAnimationActive={false}
                dot={(props: DotProps & { key?: string }) => {
                  const bad = props.payload?.[`${s.measure.code}:abnormal`] === true;
                  const value = props.payload?.[s.measure.code];
                  if (value === undefined || props.cx === undefined || props.cy === undefined) return <g key={props.key} />;
                  return <circle key={props.key} cx={props.cx} cy={props.cy} r={bad ? 5 : 3} fill={bad ? ABNORMAL : s.color} stroke="#fff" strokeWidth={1} className={bad ? 'point-abnormal' : 'point'} />;
                }}
              />
            ))}
          </LineChart>
        </ResponsiveContainer>
      </div>
      <details>
        <summary>
          <Text span size="xs">
            Values of {title.toLowerCase()}
          </Text>
        </summary>
        <Table fz="xs" verticalSpacing={2} aria-label={`${title} values`}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Date</Table.Th>
              {series.map((s) => (
                <Table.Th key={s.measure.code}>{s.measure.label}</Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {[...data].reverse().map((row) => (
              <Table.Tr key={row.t as number}>
                <Table.Td>{formatDate(new Date(row.t as number).toISOString())}</Table.Td>
                {series.map((s) => (
                  <Table.Td key={s.measure.code} className={row[`${s.measure.code}:abnormal`] ? 'abnormal' : undefined}>
                    {row[s.measure.code] ?? ''}
                    {row[`${s.measure.code}:abnormal`] ? ' (out of range)' : ''}
                  </Table.Td>
                ))}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </details>
    </figure>
  );
}
