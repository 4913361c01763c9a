/**
 * Signing a draft order with its decision-support outcome: one FHIR transaction writes the order
 * and a DetectedIssue for each overridden card (`signingBundle`), the stored order is read back,
 * and only then is the feedback for the overrides sent to the services that raised the cards.
 * Feedback that fails is reported to the caller, never thrown: the order is signed either way.
 */
import type { MedicationRequest, ServiceRequest } from '@medplum/fhirtypes';
import type { FhirClient } from '../fhir/client.ts';
import type { CdsCard } from './cds-types.ts';
import { feedbackFor, type Decision, type Decisions, type DraftOrder } from './card-model.ts';
import { signingBundle, type SigningContext } from './detected-issue.ts';
import { sendFeedback } from './hook-client.ts';

export interface Signed {
  order: MedicationRequest | ServiceRequest;
  /** The feedback still on its way: it resolves with the services whose feedback failed. */
  feedback: Promise<string[]>;
}

export async function signOrder(client: FhirClient, draft: DraftOrder, cards: readonly CdsCard[], decisions: Decisions, ctx: SigningContext): Promise<Signed> {
  const overrides = cards.flatMap((card) => {
    const decision = decisions.get(card.uuid);
    return decision?.kind === 'overridden' ? [{ card, decision }] : [];
  });
  const answer = await client.transaction(signingBundle(draft, overrides, ctx));
  const location = answer.entry?.[0]?.response?.location ?? '';
  const match = /(MedicationRequest|ServiceRequest)\/([^/]+)/.exec(location);
  if (!match) throw new Error('The server did not say where it stored the order');
  const order = await client.read(match[1] as 'MedicationRequest' | 'ServiceRequest', match[2]!);
  const feedback = overrides.length > 0 ? sendFeedback(client, overrides.map(({ card, decision }: { card: CdsCard; decision: Decision }) => feedbackFor(card, decision, ctx.now))) : Promise.resolve([]);
  return { order, feedback };
}
