/**
 * The chart's flags and care team, as the banner and summary show them (pure). Code status is
 * the newest active Flag coded in Continuum's code-status system (the synthetic data and any
 * app may record one); every other active Flag is a banner flag. A Flag whose period has ended
 * is no longer active, whatever its status says. The care team is the active CareTeams' members,
 * each once, with their role; without any, the patient's primary care providers stand in.
 */
import type { CareTeam, Flag, Practitioner, Reference } from '@medplum/fhirtypes';
import { conceptText, humanName } from '../fhir/format.ts';

export const CODE_STATUS_SYSTEM = 'urn:continuum:code-status';

/** Short banner labels for the code-status codes; anything else shows its own text. */
const SHORT: Record<string, string> = { 'full-code': 'Full code', dnr: 'DNR', 'dnr-dni': 'DNR/DNI' };

export function isActiveFlag(f: Flag, now: Date = new Date()): boolean {
  const end = f.period?.end;
  return f.status === 'active' && (!end || new Date(end.length === 10 ? `${end}T23:59:59` : end) >= now);
}

export interface CodeStatus {
  label: string;
  /** The full wording, e.g. "DNR (do not resuscitate)". */
  detail: string;
  /** Whether resuscitation is limited (any code other than full code). */
  limited: boolean;
  since?: string;
}

function codeStatusCoding(f: Flag) {
  return f.code.coding?.find((c) => c.system === CODE_STATUS_SYSTEM);
}

export function splitFlags(flags: readonly Flag[], now: Date = new Date()): { codeStatus?: CodeStatus; others: Flag[] } {
  const active = flags.filter((f) => isActiveFlag(f, now));
  const statuses = active.filter((f) => codeStatusCoding(f)).sort((a, b) => (b.period?.start ?? '').localeCompare(a.period?.start ?? ''));
  const newest = statuses[0];
  const coding = newest && codeStatusCoding(newest);
  const codeStatus = newest && coding
    ? { label: SHORT[coding.code ?? ''] ?? conceptText(newest.code), detail: coding.display ?? conceptText(newest.code), limited: coding.code !== 'full-code', ...(newest.period?.start ? { since: newest.period.start } : {}) }
    : undefined;
  return { ...(codeStatus ? { codeStatus } : {}), others: active.filter((f) => !codeStatusCoding(f)) };
}

export interface CareTeamMember {
  name: string;
  role: string;
  reference?: string;
}

export function careTeamMembers(teams: readonly CareTeam[], pcp: readonly Reference[], practitioners: readonly Practitioner[] = []): CareTeamMember[] {
  const seen = new Set<string>();
  const out: CareTeamMember[] = [];
  for (const team of teams.filter((t) => t.status === 'active' || t.status === undefined)) {
    for (const p of team.participant ?? []) {
      const ref = p.member?.reference;
      const key = ref ?? p.member?.display ?? '';
      if (!key || seen.has(key)) continue;
      seen.add(key);
      out.push({ name: nameOf(p.member, practitioners), role: p.role?.[0] ? conceptText(p.role[0]) : 'Member', ...(ref ? { reference: ref } : {}) });
    }
  }
  if (out.length > 0) return out;
  return pcp.map((r) => ({ name: nameOf(r, practitioners), role: 'Primary care provider', ...(r.reference ? { reference: r.reference } : {}) }));
}

/** A person's name from the reference's display, else the included resource, else the reference. */
export function nameOf(r: Reference | undefined, practitioners: readonly Practitioner[]): string {
  if (r?.display) return r.display;
  const found = practitioners.find((p) => r?.reference === `Practitioner/${p.id}`);
  return found ? humanName(found.name) : (r?.reference ?? 'Unknown');
}
