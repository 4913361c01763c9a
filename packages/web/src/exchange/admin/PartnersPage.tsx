/** Partner organizations (cross-organization exchange). */
import { Title } from '@mantine/core';

export function PartnersPage() {
  return (
    <Title order={1} size="h3">
      Partner organizations
    </Title>
  );
}
