/** A consult report a referral returned (or sent), opened in a dialog: its text, author and date. */
import { Alert, Anchor, Center, Loader, Modal, Stack, Text } from '@mantine/core';
import { formatDateTime } from '../../fhir/format.ts';
import { useLoad } from '../../fhir/use-fhir.ts';
import { loadReport } from './referrals-data.ts';
import '../admin/exchange-admin.css';

export function ReportModal({ reference, onClose }: { reference: string; onClose: () => void }) {
  const report = useLoad((c, signal) => loadReport(c, reference, signal), [reference]);
  return (
    <Modal opened onClose={onClose} title={report.data?.title ?? 'Consult report'} size="lg" centered>
      {report.error ? (
        <Alert color="red" role="alert" title="The report could not be opened">
          {report.error.message}
        </Alert>
      ) : !report.data ? (
        <Center h={80}>
          <Loader role="progressbar" aria-label="Loading the report" />
        </Center>
      ) : (
        <Stack gap="xs" data-report={reference}>
          <Text size="xs" className="muted">
            {[report.data.author, formatDateTime(report.data.date)].filter(Boolean).join(' · ')}
          </Text>
          {report.data.text !== undefined && (
            <Text size="sm" className="report-text">
              {report.data.text}
            </Text>
          )}
          {report.data.href && (
            <Anchor underline="always" href={report.data.href} download target="_blank">
              Download the report
            </Anchor>
          )}
        </Stack>
      )}
    </Modal>
  );
}
