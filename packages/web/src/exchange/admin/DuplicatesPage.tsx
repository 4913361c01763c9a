/** Possible duplicate patients (cross-organization exchange). */
import { Title } from '@mantine/core';

export function DuplicatesPage() {
  return (
    <Title order={1} size="h3">
      Possible duplicate patients
    </Title>
  );
}
