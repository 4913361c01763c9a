/**
 * A result's trend in a table cell: earlier values of the same test as a small line (recharts),
 * the newest point marked, the reference range as a band. The picture is hidden from screen
 * readers; its label says the values in words.
 */
import { Line, LineChart, ReferenceArea, YAxis } from 'recharts';
import { Loader, Text } from '@mantine/core';
import type { Observation } from '@medplum/fhirtypes';
import { useLoad } from '../fhir/use-fhir.ts';
import { formatDate } from '../fhir/format.ts';
import { loadTrend } from './inbox-data.ts';

export function Sparkline({ observation }: { observation: Observation }) {
  const { data, error } = useLoad((client, signal) => loadTrend(client, observation, signal), [observation.id]);
  if (error) return <Text size="xs" className="muted">Trend unavailable</Text>;
  if (!data) return <Loader role="progressbar" size="xs" aria-label="Loading the trend" />;
  const points = data.map((o) => ({ t: o.effectiveDateTime ?? o.issued ?? '', v: o.valueQuantity?.value ?? 0 }));
  if (points.length < 2) return <Text size="xs" className="muted" data-trend-count={points.length}>First result</Text>;
  const range = observation.referenceRange?.[0];
  const values = points.map((p) => p.v);
  const lo = Math.min(...values, range?.low?.value ?? Infinity);
  const hi = Math.max(...values, range?.high?.value ?? -Infinity);
  const pad = (hi - lo) * 0.15 || 1;
  const words = `Trend of ${points.length} results from ${formatDate(points[0]!.t)}: ${values.join(', ')}`;
  return (
    <div role="img" aria-label={words} title={words} className="sparkline" data-trend-count={points.length} data-trend-values={values.join(',')}>
      <LineChart width={132} height={36} data={points} margin={{ top: 4, right: 4, bottom: 4, left: 4 }}>
        <YAxis hide domain={[lo - pad, hi + pad]} />
        {range && (range.low?.value !== undefined || range.high?.value !== undefined) && (
          <ReferenceArea y1={range.low?.value ?? lo - pad} y2={range.high?.value ?? hi + pad} fill="#2f6f3e" fillOpacity={0.12} stroke="none" />
        )}
        <Line type="monotone" dataKey="v" stroke="#1f4e8c" strokeWidth={1.5} isAnimationActive={false} dot={(p: { cx?: number; cy?: number; index?: number }) => (p.index === points.length - 1 ? <circle key="last" cx={p.cx} cy={p.cy} r={3} fill="#1f4e8c" /> : <g key={p.index} />)} />
      </LineChart>
    </div>
  );
}
