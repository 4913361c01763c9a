/**
 * Duplicate lab orders: a draft ServiceRequest whose LOINC code matches a lab ServiceRequest
 * authored within the window (not revoked, entered-in-error or itself) or a laboratory Observation
 * effective within the window (not cancelled or entered-in-error) gives one moderate
 * `duplicate-lab` finding, with the latest result as `earlierResult` and its value and date in the
 * detail. The window is `settings.duplicateLabWindowByLoinc[code]` days, else
 * `settings.duplicateLabWindowDays`. Pure.
 */
import type { Observation, Reference, ServiceRequest } from '@medplum/fhirtypes';
import type { OrderCheckFinding, OrderCheckInput } from './check-types.ts';
import { clip } from './resolve.ts';

const LOINC = 'http://loinc.org';
const DAY_MS = 86_400_000;

const loincCodes = (res: ServiceRequest | Observation): string[] => (res.code?.coding ?? []).filter((c) => c.system === LOINC && c.code).map((c) => c.code!);

function whenOf(o: Observation): string | undefined {
  return o.effectiveDateTime ?? o.effectivePeriod?.end ?? o.effectivePeriod?.start ?? o.effectiveInstant ?? o.issued;
}

function valueOf(o: Observation): string {
  if (o.valueQuantity?.value !== undefined) return `${o.valueQuantity.value}${o.valueQuantity.unit ? ` ${o.valueQuantity.unit}` : ''}`;
  if (o.valueString) return o.valueString;
  if (o.valueCodeableConcept) return o.valueCodeableConcept.text ?? o.valueCodeableConcept.coding?.[0]?.display ?? '';
  return o.component?.length ? 'panel result' : 'result';
}

const day = (iso: string): string => iso.slice(0, 10);

/** The longest window the settings use, in days: how far back a caller must read lab orders and results. */
export function longestLabWindowDays(settings: OrderCheckInput['settings']): number {
  return Math.max(settings.duplicateLabWindowDays, ...Object.values(settings.duplicateLabWindowByLoinc ?? {}));
}

export function labDuplicateFindings(draft: ServiceRequest, index: number, input: OrderCheckInput): OrderCheckFinding[] {
  const out: OrderCheckFinding[] = [];
  const nowMs = input.now.getTime();
  for (const code of [...new Set(loincCodes(draft))]) {
    const days = input.settings.duplicateLabWindowByLoinc?.[code] ?? input.settings.duplicateLabWindowDays;
    const since = nowMs - days * DAY_MS;
    const within = (iso: string | undefined): boolean => {
      const t = iso ? Date.parse(iso) : NaN;
      return Number.isFinite(t) && t >= since && t <= nowMs + DAY_MS;
    };
    const orders = input.recentLabOrders
      .filter((o) => o.status !== 'revoked' && o.status !== 'entered-in-error' && !(draft.id && o.id === draft.id) && loincCodes(o).includes(code) && within(o.authoredOn))
      .sort((a, b) => (b.authoredOn ?? '').localeCompare(a.authoredOn ?? '') || (a.id ?? '').localeCompare(b.id ?? ''));
    const results = input.recentLabResults
      .filter((o) => o.status !== 'cancelled' && o.status !== 'entered-in-error' && loincCodes(o).includes(code) && within(whenOf(o)))
      .sort((a, b) => Date.parse(whenOf(b)!) - Date.parse(whenOf(a)!) || (a.id ?? '').localeCompare(b.id ?? ''));
    if (!orders.length && !results.length) continue;
    const name = draft.code?.text ?? draft.code?.coding?.find((c) => c.display)?.display ?? `LOINC ${code}`;
    const latest = results[0];
    const earlierResult: Reference | undefined = latest ? { reference: `Observation/${latest.id ?? ''}`, display: `${valueOf(latest)} on ${day(whenOf(latest)!)}` } : undefined;
    const implicated: Reference[] = [
      ...results.map((o) => ({ reference: `Observation/${o.id ?? ''}`, display: `${name}: ${valueOf(o)} on ${day(whenOf(o)!)}` })),
      ...orders.map((o) => ({ reference: `ServiceRequest/${o.id ?? ''}`, display: `${name} ordered ${day(o.authoredOn!)} (${o.status})` })),
    ];
    const lines = [
      `**${name}** (LOINC ${code}) was ${latest ? 'resulted' : 'ordered'} within the last ${days} day${days === 1 ? '' : 's'}.`,
      latest ? `Latest result: **${valueOf(latest)}** on ${day(whenOf(latest)!)}.` : '',
      orders.length ? `Earlier order${orders.length > 1 ? 's' : ''}: ${orders.map((o) => `${day(o.authoredOn!)} (${o.status})`).join(', ')}.` : '',
      '**What to do:** use the recent result, or order again only if clinically needed.',
    ];
    out.push({
      id: `duplicate-lab:loinc-${code}:draft-${index}:${implicated[0]!.reference}`,
      kind: 'duplicate-lab',
      severity: 'moderate',
      summary: clip(latest ? `${name} already resulted ${day(whenOf(latest)!)}: ${valueOf(latest)}` : `${name} already ordered ${day(orders[0]!.authoredOn!)}`),
      detail: lines.filter(Boolean).join('\n\n'),
      references: [],
      draftIndex: index,
      implicated,
      suggestions: [{ label: `Remove the ${name} order`, action: 'remove-draft' }],
      ...(earlierResult ? { earlierResult } : {}),
      rule: `duplicate-lab:${days}d`,
    });
  }
  return out;
}
