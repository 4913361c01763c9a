/**
 * Vital-sign trends on the health page: blood pressure, heart rate, weight and BMI over time, as
 * the clinician app draws them (clinician/trends/TrendChart: a caption and a value table say
 * what the picture shows), from the patient's newest 200 vital-sign Observations.
 */
import { useMemo } from 'react';
import { Text } from '@mantine/core';
import { useLoad } from '../fhir/use-fhir.ts';
import { measuresOf, labNames, observationPoints, type Point } from '../clinician/trends/measures.ts';
import { TrendChart, type Series } from '../clinician/trends/TrendChart.tsx';
import { trendCriteria } from '../clinician/trends/trends-data.ts';
import { usePortal } from './portal-context.ts';
import { Failed, Loading, Section } from './page-parts.tsx';

const CHARTS: readonly { title: string; lines: readonly [code: string, color: string][] }[] = [
  { title: 'Blood pressure', lines: [['8480-6', '#0b5f56'], ['8462-4', '#a63b22']] },
  { title: 'Heart rate', lines: [['8867-4', '#6b3fa0']] },
  { title: 'Weight', lines: [['29463-7', '#0b5f56']] },
  { title: 'BMI', lines: [['39156-5', '#6b5200']] },
];

export function VitalTrends() {
  const { patientId } = usePortal();
  const { data, error, loading } = useLoad((c, signal) => c.searchResources('Observation', trendCriteria(patientId, 'vital-signs'), signal), [patientId]);
  const charts = useMemo(() => {
    const observations = data ?? [];
    const points = observationPoints(observations);
    const measures = new Map(measuresOf(points, labNames(observations)).map((m) => [m.code, m]));
    const byCode = new Map<string, Point[]>();
    for (const p of points) byCode.set(p.measure, [...(byCode.get(p.measure) ?? []), p]);
    return CHARTS.map((c) => ({
      title: c.title,
      series: c.lines.flatMap(([code, color]): Series[] => {
        const m = measures.get(code);
        const pts = byCode.get(code);
        return m && pts && pts.length > 1 ? [{ measure: m, points: pts, color }] : [];
      }),
    })).filter((c) => c.series.length > 0);
  }, [data]);
  return (
    <Section title="Measurements over time" id="health-vitals">
      {loading ? <Loading what="measurements" /> : error ? <Failed what="measurements" error={error} /> : charts.length === 0 ? (
        <Text className="muted">Not enough measurements yet to show a trend.</Text>
      ) : (
        <div className="trend-grid">
          {charts.map((c) => (
            <TrendChart key={c.title} title={c.title} series={c.series} />
          ))}
        </div>
      )}
    </Section>
  );
}
