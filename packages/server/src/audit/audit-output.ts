/**
 * How the audit CLI shows the report: one line per entry, newest first, in aligned columns
 * (seq, time, action, outcome marked (!) when of high priority, user, role, client, resource, patients, source address), and the
 * `--after` to pass for the next page when the page was full.
 */
import type { AuditRow } from './types.ts';

const HEADER = ['SEQ', 'RECORDED', 'ACTION', 'OUTCOME', 'USER', 'ROLE', 'CLIENT', 'RESOURCE', 'PATIENTS', 'SOURCE'];

const cell = (v: string | null): string => (v === null || v === '' ? '-' : v.replace(/[\s\x00-\x1f\x7f]+/g, ' '));

export function formatAuditReport(rows: readonly AuditRow[], count: number): string {
  if (rows.length === 0) return 'no audit entries\n';
  const lines = rows.map((r) => [
    r.seq, r.recorded, r.action, r.priority === 'high' ? `${r.outcome} (!)` : r.outcome, cell(r.username ?? r.userId),
    cell(r.role), cell(r.clientId), cell(r.resource), cell(r.patients.join(',')), cell(r.sourceIp),
  ]);
  const widths = HEADER.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  const note = rows.some((r) => r.priority === 'high') ? '(!) high priority\n' : '';
  const more = rows.length === count ? `(more may follow: --after ${rows[rows.length - 1]!.seq})\n` : '';
  return [line(HEADER), ...lines.map(line)].join('\n') + '\n' + note + more;
}
