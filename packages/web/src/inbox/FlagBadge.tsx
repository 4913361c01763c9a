/** A result's flag as a badge: letters and words, never colour alone. */
import { Badge } from '@mantine/core';
import { flagLabel, flagSeverity, type ResultFlag } from './result-flags.ts';

export function FlagBadge({ flag }: { flag: ResultFlag | undefined }) {
  if (!flag) return null;
  const critical = flagSeverity(flag) >= 3;
  return (
    <Badge color={flag.startsWith('L') ? 'blue.9' : 'red.9'} variant={critical ? 'filled' : 'light'} c={critical ? undefined : flag.startsWith('L') ? 'blue.9' : 'red.9'} radius="sm" data-flag={flag} aria-label={flagLabel(flag)} title={flagLabel(flag)}>
      {critical ? `${flagLabel(flag)} ${flag}` : flag}
    </Badge>
  );
}
