/**
 * What an action on a page said: a polite live region for its success notice (always in the
 * page, so screen readers announce a notice as it appears) and a dismissable alert for its
 * failure.
 */
import { Alert, Text } from '@mantine/core';

export function ActionFeedback({ notice, noticeColor = 'green.9', error, onDismissError }: { notice?: string | undefined; noticeColor?: string; error?: string | undefined; onDismissError: () => void }) {
  return (
    <>
      <div aria-live="polite" role="status">
        {notice && (
          <Text size="sm" c={noticeColor}>
            {notice}
          </Text>
        )}
      </div>
      {error && (
        <Alert color="red" role="alert" title="That did not work" withCloseButton onClose={onDismissError}>
          {error}
        </Alert>
      )}
    </>
  );
}
