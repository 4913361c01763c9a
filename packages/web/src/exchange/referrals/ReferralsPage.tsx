/** Referrals (cross-organization exchange). */
import { Title } from '@mantine/core';

export function ReferralsPage() {
  return (
    <Title order={1} size="h3">
      Referrals
    </Title>
  );
}
