/**
 * `GET /fhir/Patient/{id}/$proxies` → Parameters `proxy`* (parts `relatedPerson`, `name`,
 * `relationship`, `since`, `until`, `status` invited | active | revoked): the patient's
 * RelatedPersons that have a portal account or were ever invited (whoever invited them: the
 * patient or staff); the others are contacts (next of kin...), not proxies. `revoked` covers an
 * inactive RelatedPerson and one whose period has ended. Who may call: see proxy-access.ts (a
 * minor may list too).
 */
import type { ParametersParameter, RelatedPerson } from '@medplum/fhirtypes';
import type { ApiContext, FhirRequest, FhirResponse } from '../../api/types.ts';
import { inForce } from '../../auth/proxy-patients.ts';
import { InvitationService } from '../../identity/invitations.ts';
import { UsersRepository } from '../../identity/users-repository.ts';
import { OperationInputs } from '../operation-inputs.ts';
import { displayName, ownRecord } from './proxy-access.ts';

const OP = '$proxies';
const MAX_PROXIES = 100;

type ProxyStatus = 'invited' | 'active' | 'revoked';

/** The proxies of a patient, with their state as the patient sees it. */
export async function proxiesOperation(ctx: ApiContext, req: FhirRequest, patientId: string): Promise<FhirResponse> {
  await ownRecord(ctx, patientId, OP, false);
  OperationInputs.read(req, OP, []);
  const now = new Date();
  const found = await ctx.repo.search(ctx.repo.parseCriteria('RelatedPerson', `patient=${encodeURIComponent(`Patient/${patientId}`)}`), { count: MAX_PROXIES });
  const users = new UsersRepository(ctx.repo.queryable);
  const related = found.matches.map((m) => JSON.parse(m.content) as RelatedPerson);
  const invited = await new InvitationService(ctx.repo.queryable).everInvited(ctx.repo.tenantId, related.map((rp) => `RelatedPerson/${rp.id!}`));
  const parameter: ParametersParameter[] = [];
  for (const rp of related) {
    const hasAccount = (await users.enabledByFhirUser(ctx.repo.tenantId, `RelatedPerson/${rp.id!}`)).length > 0;
    // A RelatedPerson never invited and without an account is a contact (next of kin...), not a proxy.
    if (!hasAccount && !invited.has(`RelatedPerson/${rp.id!}`)) continue;
    const status: ProxyStatus = !inForce(rp, now) ? 'revoked' : hasAccount ? 'active' : 'invited';
    const name = displayName(rp);
    const coding = rp.relationship?.flatMap((r) => r.coding ?? [])[0];
    parameter.push({
      name: 'proxy',
      part: [
        { name: 'relatedPerson', valueReference: { reference: `RelatedPerson/${rp.id!}`, display: name } },
        { name: 'name', valueString: name },
        ...(coding ? [{ name: 'relationship', valueCoding: coding }] : []),
        ...(rp.period?.start ? [{ name: 'since', valueDateTime: rp.period.start }] : []),
        ...(rp.period?.end ? [{ name: 'until', valueDateTime: rp.period.end }] : []),
        { name: 'status', valueCode: status },
      ],
    });
  }
  return { status: 200, headers: {}, body: { resourceType: 'Parameters', parameter } };
}
