/**
 * The badge that keeps other organizations' data apart from this clinic's: "External: Riverside
 * Hospital · Mar 4, 2025 · Dr Lee" on an item of a remote record, "Imported from Riverside
 * Hospital" on a local copy in the chart's lists. Nothing for local data.
 */
import { Badge, Tooltip } from '@mantine/core';
import type { Resource } from '@medplum/fhirtypes';
import { formatDate } from '../../fhir/format.ts';
import { externalSource, itemAuthor, itemDate } from './external-source.ts';
import './external.css';

export function ExternalBadge({ resource, imported = false }: { resource: Resource; imported?: boolean }) {
  const source = externalSource(resource);
  if (!source) return null;
  const text = imported ? `Imported from ${source.organization}` : ['External', [source.organization, formatDate(itemDate(resource)), itemAuthor(resource)].filter(Boolean).join(' · ')].join(': ');
  const badge = (
    <Badge variant="outline" color="grape.9" c="grape.9" tt="none" radius="sm" className="external-badge" data-external={source.organization}>
      {text}
    </Badge>
  );
  return source.url ? (
    <Tooltip label={`Source: ${source.url}`} withinPortal>
      {badge}
    </Tooltip>
  ) : (
    badge
  );
}
