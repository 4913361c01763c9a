/**
 * One clinical list as a table: a header row, entries ordered active first (then needing
 * attention, ended, entered in error), each with its status badge and an actions menu. Wide
 * tables scroll sideways inside their card at tablet width rather than squeezing.
 */
import type { ReactNode } from 'react';
import { Button, Menu, Table, Text } from '@mantine/core';
import type { ListStatus } from './allergy.ts';
import { StatusBadge, TONE_ORDER } from './StatusBadge.tsx';

export interface EntryAction {
  label: string;
  onClick: () => void;
  danger?: boolean;
}

export interface EntryRow {
  key: string;
  /** How the entry is named in its actions menu, e.g. "Penicillin". */
  name: string;
  status: ListStatus;
  cells: ReactNode[];
  actions: EntryAction[];
  /** For stable order within a tone: newest first. */
  sortDate?: string | undefined;
}

export function sortRows(rows: readonly EntryRow[]): EntryRow[] {
  return [...rows].sort((a, b) => TONE_ORDER[a.status.tone] - TONE_ORDER[b.status.tone] || (b.sortDate ?? '').localeCompare(a.sortDate ?? '') || a.name.localeCompare(b.name));
}

export function EntryTable({ caption, columns, rows, empty }: { caption: string; columns: string[]; rows: EntryRow[]; empty: string }) {
  if (rows.length === 0) {
    return (
      <Text size="sm" className="muted" py="md">
        {empty}
      </Text>
    );
  }
  return (
    <Table.ScrollContainer minWidth={600}>
      <Table verticalSpacing="sm" highlightOnHover aria-label={caption}>
        <Table.Thead>
          <Table.Tr>
            {columns.map((c) => (
              <Table.Th key={c}>{c}</Table.Th>
            ))}
            <Table.Th>Status</Table.Th>
            <Table.Th>
              <span className="visually-hidden">Actions</span>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {sortRows(rows).map((r) => (
            <Table.Tr key={r.key} data-entry={r.key} data-tone={r.status.tone} className={r.status.tone === 'error' ? 'list-entry-error' : undefined}>
              {r.cells.map((c, i) => (
                // Short values (dates, codes, criticality) stay on one line; names and notes wrap.
                <Table.Td key={i} className={typeof c === 'string' && c.length <= 16 ? 'list-nowrap' : undefined}>
                  {c}
                </Table.Td>
              ))}
              <Table.Td className="list-nowrap">
                <StatusBadge status={r.status} />
              </Table.Td>
              <Table.Td ta="right" className="list-nowrap">
                {r.actions.length > 0 && (
                <Menu position="bottom-end" withinPortal>
                  <Menu.Target>
                    <Button variant="default" size="xs" aria-label={`Actions for ${r.name}`}>
                      Actions
                    </Button>
                  </Menu.Target>
                  <Menu.Dropdown>
                    {r.actions.map((a) => (
                      <Menu.Item key={a.label} onClick={a.onClick} color={a.danger ? 'red.9' : undefined}>
                        {a.label}
                      </Menu.Item>
                    ))}
                  </Menu.Dropdown>
                </Menu>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
