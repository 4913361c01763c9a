/**
 * One decision-support card: its severity in colour and in words ("Critical", "Warning",
 * "Info"), the summary, the markdown detail, the source (linked when it has a URL) and the card's
 * links (e.g. the earlier result of a duplicate lab order). What the clinician can do with it
 * (suggestions, override, dismiss) is passed in as `actions`, so the ordering screen and the
 * chart summary share the card's look. `newTab` opens every link in a new tab (used while an order
 * is being composed, so that following a link does not lose it).
 */
import { useId, useState, type ReactNode } from 'react';
import { Badge, Button, Card, Group, Stack, Text } from '@mantine/core';
import type { CdsCard as Card_ } from './cds-types.ts';
import { INDICATOR_LABEL } from './card-model.ts';
import { CardLink, Markdown } from './Markdown.tsx';
import { safeHref } from './markdown.ts';
import './cds.css';

const BADGE_COLOR = { critical: 'red.9', warning: 'orange.9', info: 'blue.9' } as const;

export function CdsCard({ card, actions, compact = false, alert = card.indicator === 'critical', newTab = false }: { card: Card_; actions?: ReactNode; compact?: boolean; alert?: boolean; newTab?: boolean }) {
  const id = useId();
  // Compact cards (the chart summary) keep their detail behind "Details".
  const [open, setOpen] = useState(!compact);
  const sourceHref = card.source.url ? safeHref(card.source.url) : undefined;
  const links = (card.links ?? []).flatMap((l) => {
    const href = safeHref(l.url);
    return href ? [{ ...l, href }] : [];
  });
  return (
    <Card
      component="article"
      withBorder
      padding={compact ? 'xs' : 'sm'}
      className={`cds-card cds-card-${card.indicator}`}
      aria-labelledby={`${id}-summary`}
      role={alert ? 'alert' : undefined}
      data-card={card.uuid}
      data-indicator={card.indicator}
      data-service={card.serviceId}
    >
      <Stack gap={compact ? 2 : 6}>
        <Group gap="xs" wrap="nowrap" align="flex-start">
          <Badge color={BADGE_COLOR[card.indicator]} variant="filled" radius="sm" className="cds-badge" data-severity>
            {INDICATOR_LABEL[card.indicator]}
          </Badge>
          <Text size="sm" fw={700} id={`${id}-summary`}>
            {card.summary}
          </Text>
        </Group>
        {card.detail && open && (
          <div id={`${id}-detail`}>
            <Markdown source={card.detail} newTab={newTab} />
          </div>
        )}
        <Text size="xs" className="muted" data-source>
          Source: {sourceHref ? <CardLink href={sourceHref} newTab={newTab}>{card.source.label}</CardLink> : card.source.label}
        </Text>
        {/* Compact (the chart summary): the links and the actions share one line. */}
        {(links.length > 0 || (compact && (actions || card.detail))) && (
          <Group gap="md" justify="space-between">
            {links.length > 0 && (
              <Group gap="md">
                {links.map((l) => (
                  <CardLink key={`${l.label}|${l.href}`} href={l.href} newTab={newTab}>
                    {l.label}
                  </CardLink>
                ))}
              </Group>
            )}
            {compact && (
              <Group gap={4} ml="auto">
                {card.detail && (
                  <Button size="compact-xs" variant="subtle" aria-expanded={open} aria-controls={open ? `${id}-detail` : undefined} onClick={() => setOpen((o) => !o)}>
                    {open ? 'Hide details' : 'Details'}
                  </Button>
                )}
                {actions}
              </Group>
            )}
          </Group>
        )}
        {!compact && actions}
      </Stack>
    </Card>
  );
}
