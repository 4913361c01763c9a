/** Records from other organizations (cross-organization exchange). */
import { Title } from '@mantine/core';

export function ExternalRecords(_props: { patientId: string; onChanged: () => void }) {
  return (
    <Title order={1} size="h3">
      Records from other organizations
    </Title>
  );
}
