/**
 * What the portal's messaging part stores at start (idempotent; see portal/seed.ts). With the demo,
 * every patient who has a primary care practitioner finds one unread welcome message from them in
 * the portal, so the messages page has a thread to open and answer. The message's id derives from
 * the patient's, and an existing one is left alone: a restart adds only what is missing.
 */
import type { Communication, Patient, Practitioner } from '@medplum/fhirtypes';
import type { Repository } from '../../store/repository.ts';
import { seededId, seedForEachPatient } from '../demo-patients.ts';
import type { PortalSeedOptions } from '../seed.ts';
import { primaryCare } from './recipients.ts';
import { nameText, PORTAL_MESSAGE, ref } from './thread.ts';

function welcome(patient: Patient, pcp: string, pcpName: string | undefined, now: Date): Communication {
  return {
    resourceType: 'Communication',
    id: seededId('msg-welcome', patient.id!),
    status: 'completed',
    category: [{ coding: [PORTAL_MESSAGE] }],
    subject: ref(`Patient/${patient.id!}`, nameText(patient.name)),
    topic: { text: 'Welcome to Continuum MyHealth' },
    sender: ref(pcp, pcpName),
    recipient: [ref(`Patient/${patient.id!}`, nameText(patient.name))],
    sent: now.toISOString(),
    payload: [
      {
        contentString:
          'Welcome to your patient portal. You can send me a message here, ask for a refill of a medication, book a visit and pay your bill. For anything urgent, please call the clinic or 911.',
      },
    ],
  };
}

export async function seedMessaging(repo: Repository, opts: PortalSeedOptions): Promise<void> {
  if (!opts.demo) return;
  const now = opts.now ?? new Date();
  const names = new Map<string, string | undefined>();
  await seedForEachPatient(repo, async (patient) => {
    const pcp = primaryCare(patient);
    if (!pcp || (await repo.exists('Communication', seededId('msg-welcome', patient.id!)))) return [];
    if (!names.has(pcp)) names.set(pcp, nameText(((await repo.read('Practitioner', pcp.slice('Practitioner/'.length)).catch(() => undefined)) as Practitioner | undefined)?.name));
    return [welcome(patient, pcp, names.get(pcp), now)];
  });
}
