/** Referrals (cross-organization exchange). */
import { Title } from '@mantine/core';

export function ChartReferrals(_props: { patientId: string }) {
  return (
    <Title order={1} size="h3">
      Referrals
    </Title>
  );
}
