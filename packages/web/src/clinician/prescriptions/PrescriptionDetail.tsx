/**
 * One prescription in a drawer: what was ordered (directions, quantity, refills, days, substitution,
 * pharmacy), its status and why, where its e-prescription stands (from its erx-send Task), the
 * NCPDP NewRx message as stored, and the chain of prescriptions it renews or changes (followed
 * back through `priorPrescription`).
 */
import { Badge, Code, Drawer, Group, Stack, Table, Text, Title } from '@mantine/core';
import type { MedicationRequest } from '@medplum/fhirtypes';
import { base64Text, conceptText, formatDate, formatDateTime } from '../../fhir/format.ts';
import { useLoad } from '../../fhir/use-fhir.ts';
import { ERX_TASK, transmission, type Transmission } from './prescription-model.ts';

const TONE: Record<Transmission['tone'], string> = { none: 'gray', waiting: 'yellow', sent: 'green', failed: 'red' };

export function TransmissionBadge({ status }: { status: Transmission }) {
  return (
    <Badge variant="light" color={TONE[status.tone]} c={`${TONE[status.tone]}.9`} tt="none" radius="sm" data-transmission={status.tone}>
      {status.label}
    </Badge>
  );
}

const STATUS_WORDS: Record<string, string> = { active: 'Active', completed: 'Completed (renewed or finished)', stopped: 'Stopped', cancelled: 'Cancelled', draft: 'Draft', 'on-hold': 'On hold', 'entered-in-error': 'Entered in error', unknown: 'Unknown' };

export function PrescriptionDetail({ order, onClose }: { order: MedicationRequest | undefined; onClose: () => void }) {
  const { data } = useLoad(
    async (c, signal) => {
      if (!order?.id) return undefined;
      const tasks = await c.searchResources('Task', { focus: `MedicationRequest/${order.id}`, code: ERX_TASK }, signal);
      const docs = await c.searchResources('DocumentReference', { related: `MedicationRequest/${order.id}` }, signal);
      const chain: MedicationRequest[] = [];
      let prior = order.priorPrescription?.reference;
      while (prior?.startsWith('MedicationRequest/') && chain.length < 10) {
        const earlier = await c.read('MedicationRequest', prior.split('/')[1]!, signal);
        chain.push(earlier);
        prior = earlier.priorPrescription?.reference;
      }
      return { tasks: tasks, doc: (docs)[0], chain };
    },
    [order?.id],
  );
  if (!order) return null;
  const d = order.dispenseRequest;
  const status = transmission(order, data?.tasks ?? []);
  const xml = data?.doc?.content?.[0]?.attachment?.data;
  const rows: [string, string][] = [
    ['Directions', order.dosageInstruction?.map((x) => x.text).filter(Boolean).join('; ') || '—'],
    ['Dispense', `${d?.quantity?.value ?? ''} ${d?.quantity?.unit ?? ''}`.trim() || '—'],
    ['Refills', String(d?.numberOfRepeatsAllowed ?? 0)],
    ['Days supply', d?.expectedSupplyDuration?.value !== undefined ? String(d.expectedSupplyDuration.value) : '—'],
    ['Substitution', order.substitution?.allowedBoolean === false ? `Dispense as written${order.substitution.reason?.text ? `: ${order.substitution.reason.text}` : ''}` : 'Generic substitution allowed'],
    ['Pharmacy', d?.performer?.display ?? 'None (print or phone in)'],
    ['Prescribed', `${formatDateTime(order.authoredOn)}${order.requester?.display ? ` by ${order.requester.display}` : ''}`],
    ['Status', `${STATUS_WORDS[order.status] ?? order.status}${order.statusReason ? `: ${conceptText(order.statusReason)}` : ''}`],
  ];
  return (
    <Drawer opened onClose={onClose} position="right" size="lg" title={`Prescription: ${conceptText(order.medicationCodeableConcept)}`}>
      <Stack gap="md">
        <Table variant="vertical" withTableBorder aria-label="Prescription">
          <Table.Tbody>
            {rows.map(([k, v]) => (
              <Table.Tr key={k}>
                <Table.Th w={160}>{k}</Table.Th>
                <Table.Td>{v}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        <Stack gap={4}>
          <Title order={3} size="h5">
            E-prescription
          </Title>
          <Group gap="xs">
            <TransmissionBadge status={status} />
            {status.detail && <Text size="sm">{status.tone === 'sent' ? formatDateTime(status.detail) : status.detail}</Text>}
          </Group>
          {xml && (
            <details>
              <summary>NCPDP SCRIPT NewRx message</summary>
              <Code block aria-label="NewRx message" tabIndex={0}>
                {base64Text(xml).replace(/></g, '>\n<')}
              </Code>
            </details>
          )}
        </Stack>
        {data && data.chain.length > 0 && (
          <Stack gap={4}>
            <Title order={3} size="h5">
              Earlier prescriptions it replaces
            </Title>
            <ol aria-label="Earlier prescriptions">
              {data.chain.map((m) => (
                <li key={m.id}>
                  <Text size="sm">
                    {formatDate(m.authoredOn)}: {conceptText(m.medicationCodeableConcept)}, {m.dosageInstruction?.[0]?.text ?? ''} ({STATUS_WORDS[m.status] ?? m.status}
                    {m.statusReason ? `: ${conceptText(m.statusReason)}` : ''})
                  </Text>
                </li>
              ))}
            </ol>
          </Stack>
        )}
      </Stack>
    </Drawer>
  );
}
