/**
 * `POST Communication/$partner-receive` (partner deployments only): a message from a partner
 * organization (partner-message.ts reads it; bad attachments are a 400). In one transaction it is
 * stored as a Communication marked external (EXTERNAL_TAG, source extension), sent by the partner
 * (sender display "<author>, <partner>"), to this tenant's Organization, about the local patient
 * when the message names one that is known here (placement.ts: identifiers from an earlier
 * referral, or a certain match; no patient is created for a message), answering the local message
 * it names, with a Provenance. The same message twice is stored once. Answers 201 (200 for a
 * repeat) Parameters {communication (this side's id), patient (when placed)}.
 */
import type { Communication, Provenance } from '@medplum/fhirtypes';
import type { ApiContext, FhirRequest, FhirResponse } from '../../../api/types.ts';
import type { Repository } from '../../../store/repository.ts';
import { EXTERNAL_TAG } from '../../codes.ts';
import { partnerOf } from '../callers.ts';
import { parameters } from '../parameters.ts';
import { findPlacedPatient, ownOrganization, sourceExtension, type Sender } from '../placement.ts';
import { MESSAGE_ID_SYSTEM, PARTNER_MESSAGE } from '../referral-codes.ts';
import { readMessage, type PartnerMessage } from './partner-message.ts';

const OP = '$partner-receive';

function criteria(messageId: string): string {
  return new URLSearchParams({ identifier: `${MESSAGE_ID_SYSTEM}|${messageId}` }).toString();
}

/** Stores a received message (see the header). */
export async function applyReceivedMessage(repo: Repository, m: PartnerMessage, sender: Sender, now: Date): Promise<{ communication: string; patient?: string; created: boolean }> {
  return repo.inTransaction(async (tx) => {
    const same = await tx.lockedMatches('Communication', criteria(m.messageId), tx.parseCriteria('Communication', criteria(m.messageId)), 'partner message');
    if (same[0]) {
      const c = JSON.parse(same[0].content) as Communication;
      const patient = c.subject?.reference?.split('/')[1];
      return { communication: c.id!, ...(patient ? { patient } : {}), created: false };
    }
    const patient = m.patient ? await findPlacedPatient(tx, m.patient, sender) : undefined;
    const previous = m.inResponseTo ? (await tx.search(tx.parseCriteria('Communication', criteria(m.inResponseTo)), { count: 1 })).matches[0] : undefined;
    const own = await ownOrganization(tx);
    const message: Communication = {
      resourceType: 'Communication',
      meta: { tag: [EXTERNAL_TAG] },
      extension: [sourceExtension(sender)],
      identifier: [{ system: MESSAGE_ID_SYSTEM, value: m.messageId }],
      status: 'completed',
      category: [{ coding: [PARTNER_MESSAGE], text: PARTNER_MESSAGE.display }],
      ...(patient ? { subject: { reference: `Patient/${patient}` } } : {}),
      ...(m.topic ? { topic: { text: m.topic } } : {}),
      sender: { reference: `Organization/${sender.organizationId}`, display: m.senderDisplay ? `${m.senderDisplay}, ${sender.name}` : sender.name },
      ...(own ? { recipient: [{ reference: own }] } : {}),
      sent: m.sent,
      received: now.toISOString(),
      payload: [{ contentString: m.text }, ...m.attachments.map((contentAttachment) => ({ contentAttachment }))],
      ...(previous ? { inResponseTo: [{ reference: `Communication/${previous.id}` }] } : {}),
    };
    const stored = (await tx.create(message)).resource;
    const provenance: Provenance = {
      resourceType: 'Provenance',
      target: [{ reference: `Communication/${stored.id!}` }],
      recorded: now.toISOString(),
      activity: { text: 'Message received from a partner organization' },
      agent: [{ type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/provenance-participant-type', code: 'author' }] }, who: { reference: `Organization/${sender.organizationId}`, display: sender.name } }],
      entity: [{ role: 'source', what: { identifier: { system: MESSAGE_ID_SYSTEM, value: m.messageId }, display: `Message from ${sender.name}` } }],
    };
    await tx.create(provenance);
    return { communication: stored.id!, ...(patient ? { patient } : {}), created: true };
  });
}

export async function partnerReceiveOperation(ctx: ApiContext, req: FhirRequest): Promise<FhirResponse> {
  const sender = partnerOf(ctx, req, OP);
  const message = readMessage(req, OP);
  const out = await applyReceivedMessage(ctx.repo, message, sender, new Date());
  return {
    status: out.created ? 201 : 200,
    headers: {},
    body: parameters([{ name: 'communication', valueString: out.communication }, ...(out.patient ? [{ name: 'patient', valueString: out.patient }] : [])]),
  };
}
