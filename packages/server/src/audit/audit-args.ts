/**
 * Parsing `continuum audit verify|report [options]` strictly: each action takes its own options
 * and anything else is a usage error (exit code 2), found before any database is opened. A date
 * given without a time means the whole day: `--from 2031-03-04 --to 2031-03-04` is that day.
 */
import { AUDIT_ACTIONS, isAuditAction, type AuditAction } from './types.ts';

export const AUDIT_USAGE_LINES = [
  'audit verify [--anchor FILE]...',
  'audit anchor [--out FILE]',
  'audit report [--user U] [--patient P] [--from DATE] [--to DATE] [--action A] [--count N] [--after SEQ] [--tenant T]',
];
export const AUDIT_USAGE = AUDIT_USAGE_LINES.join('\n       continuum ');

export class AuditUsageError extends Error {}

export interface AuditArgs {
  action: 'verify' | 'report' | 'anchor';
  /** verify: files holding signed anchors the chain must pass through. */
  anchors?: string[];
  /** anchor: write the anchor to this file (created, never replaced) instead of stdout. */
  out?: string;
  tenant?: string;
  user?: string;
  patient?: string;
  from?: Date;
  to?: Date;
  auditAction?: AuditAction;
  count?: number;
  after?: string;
}

const REPORT_OPTIONS = ['--tenant', '--user', '--patient', '--from', '--to', '--action', '--count', '--after'];
const DAY = /^\d{4}-\d{2}-\d{2}$/;

function date(option: string, value: string, endOfDay: boolean): Date {
  const d = new Date(DAY.test(value) ? `${value}T00:00:00.000Z` : value);
  if (Number.isNaN(d.getTime()) || !/^\d{4}-\d{2}-\d{2}/.test(value)) throw new AuditUsageError(`${option} must be a date (YYYY-MM-DD) or an ISO 8601 time, got '${value}'`);
  return endOfDay && DAY.test(value) ? new Date(d.getTime() + 86_400_000) : d;
}

export function parseAuditArgs(argv: readonly string[]): AuditArgs {
  const [action, ...rest] = argv;
  if (action !== 'verify' && action !== 'report' && action !== 'anchor') throw new AuditUsageError(action === undefined ? 'an action is needed' : `unknown action '${action}'`);
  const args: AuditArgs = { action };
  const allowed = action === 'verify' ? ['--anchor'] : action === 'anchor' ? ['--out'] : REPORT_OPTIONS;
  for (let i = 0; i < rest.length; i += 2) {
    const option = rest[i]!;
    const value = rest[i + 1];
    if (!allowed.includes(option)) throw new AuditUsageError(`audit ${action} does not take '${option}'`);
    if (value === undefined || value.startsWith('--')) throw new AuditUsageError(`${option} needs a value`);
    switch (option) {
      case '--anchor': (args.anchors ??= []).push(value); break;
      case '--out':
        if (args.out !== undefined) throw new AuditUsageError('--out is given twice');
        args.out = value;
        break;
      case '--tenant': args.tenant = value; break;
      case '--user': args.user = value; break;
      case '--patient': args.patient = value; break;
      case '--from': args.from = date(option, value, false); break;
      case '--to': args.to = date(option, value, true); break;
      case '--action':
        if (!isAuditAction(value)) throw new AuditUsageError(`--action must be one of ${AUDIT_ACTIONS.join(', ')}, got '${value}'`);
        args.auditAction = value;
        break;
      case '--count':
        if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 1000) throw new AuditUsageError(`--count must be 1 to 1000, got '${value}'`);
        args.count = Number(value);
        break;
      case '--after':
        if (!/^\d{1,18}$/.test(value)) throw new AuditUsageError(`--after must be an entry number (SEQ), got '${value}'`);
        args.after = value;
        break;
      default: throw new AuditUsageError(`audit ${action} does not take '${option}'`);
    }
  }
  return args;
}
