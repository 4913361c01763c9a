/**
 * Each patient's CareTeam: the primary care provider, a nurse of the same clinic and, for a
 * patient with chronic conditions, the clinic's nurse practitioner as care coordinator. Roles
 * use Continuum's own codes (no licensed terminology). Like `flags.ts`, it draws from its own
 * random stream so the rest of the population is unchanged.
 */
import type { CareTeam, CareTeamParticipant } from '@medplum/fhirtypes';
import { ref } from './bundle.ts';
import { fixed } from './codes.ts';
import { emit, practitionerRef } from './context.ts';
import type { PatientContext } from './context.ts';
import type { Staff } from './directory.ts';
import { staffOf } from './directory.ts';
import { Rng } from './prng.ts';
import { isoDate } from './time.ts';

export const CARE_TEAM_ROLE_SYSTEM = 'urn:continuum:care-team-role';

const ROLES = {
  pcp: 'Primary care provider',
  nurse: 'Nurse',
  coordinator: 'Care coordinator',
} as const;

function member(role: keyof typeof ROLES, who: Staff, since: string): CareTeamParticipant {
  return { role: [{ ...fixed(CARE_TEAM_ROLE_SYSTEM, role, ROLES[role]), text: ROLES[role] }], member: practitionerRef(who), period: { start: since } };
}

export function emitCareTeam(ctx: PatientContext, from: number): void {
  const rng = new Rng(`${ctx.dir.seed}|patient|${ctx.index}|care-team`);
  const { pcp, clinic } = ctx.person;
  const since = isoDate(from);
  const participant = [member('pcp', pcp, since)];
  const nurses = staffOf(ctx.dir, clinic, ['nurse']);
  if (nurses.length > 0) participant.push(member('nurse', rng.pick(nurses), since));
  const np = staffOf(ctx.dir, clinic, ['np']).find((s) => s.id !== pcp.id);
  if (np && ctx.profile.size > 0) participant.push(member('coordinator', np, since));
  const team: CareTeam = {
    resourceType: 'CareTeam', id: ctx.ids.next('CareTeam'), status: 'active',
    name: `${clinic.name} care team`, subject: ctx.patient, period: { start: since },
    participant, managingOrganization: [ref('Organization', clinic.id, clinic.name)],
  };
  emit(ctx, team);
}
