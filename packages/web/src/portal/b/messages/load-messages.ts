/**
 * Loads what the message pages show: the patient's portal messages (senders included, for their
 * names), and whom a new thread may be addressed to (the PCP, then the care team's practitioners).
 */
import type { Communication, Reference } from '@medplum/fhirtypes';
import type { FhirClient } from '../../../fhir/client.ts';
import { namesIn, refName, type Names } from '../names.ts';
import type { Recipient } from './MessageComposer.tsx';
import { PORTAL_MESSAGE } from './threads.ts';

export async function loadMessages(client: FhirClient, patientId: string, signal: AbortSignal): Promise<{ messages: Communication[]; names: Names }> {
  const bundle = await client.search(
    'Communication',
    [
      ['subject', `Patient/${patientId}`],
      ['category', `${PORTAL_MESSAGE.system}|${PORTAL_MESSAGE.code}`],
      ['_sort', '-sent'],
      ['_count', '200'],
      ['_include', 'Communication:sender'],
    ],
    signal,
  );
  const messages = (bundle.entry ?? []).filter((e) => e.search?.mode !== 'include').map((e) => e.resource).filter((r): r is Communication => r?.resourceType === 'Communication');
  return { messages, names: namesIn(bundle) };
}

export async function loadRecipients(client: FhirClient, patientId: string, signal: AbortSignal): Promise<Recipient[]> {
  const [patient, teams] = await Promise.all([
    client.read('Patient', patientId, signal),
    client.search('CareTeam', { patient: `Patient/${patientId}`, status: 'active', _include: 'CareTeam:participant' }, signal),
  ]);
  const names = namesIn(teams);
  const practitioners = (refs: ReadonlyArray<Reference | undefined>, role: string) =>
    refs.flatMap((r) => (r?.reference?.startsWith('Practitioner/') ? [{ ref: { ...r, reference: r.reference }, role }] : []));
  const pcp = practitioners(patient.generalPractitioner ?? [], 'primary care');
  const team = practitioners(
    (teams.entry ?? []).flatMap((e) => (e.resource?.resourceType === 'CareTeam' ? (e.resource.participant ?? []).map((p) => p.member) : [])),
    'care team',
  );
  const recipients: Recipient[] = [];
  for (const { ref, role } of [...pcp, ...team]) {
    if (recipients.some((r) => r.reference === ref.reference)) continue;
    const name =
      refName(ref, names, '') ||
      (await client.read('Practitioner', ref.reference.slice('Practitioner/'.length), signal).then(
        (p) => namesIn({ resourceType: 'Bundle', type: 'searchset', entry: [{ resource: p }] }).get(ref.reference) ?? '',
        () => '',
      ));
    recipients.push({ reference: ref.reference, name: `${name || 'Your clinician'} (${role})` });
  }
  return recipients;
}
