/**
 * The portal's FHIR operations for the patient's record (see portal/routes.ts): the summary as a
 * FHIR document and as a PDF, and share links. The guard lets them through as `public` because
 * they answer Bundles, Binaries and Parameters that are not resources of the record; each handler
 * checks the caller itself (record-access.ts) before reading anything. The public page a share
 * link opens is not a FHIR route: see share-route.ts.
 */
import type { Route } from '../../api/router.ts';
import { shareOperation, shareRevokeOperation, sharesOperation } from './share-operations.ts';
import { summaryOperation, summaryPdfOperation } from './summary-operations.ts';

const checkedByHandler = (): { interaction: 'public'; type: string } => ({ interaction: 'public', type: 'Patient' });

export const RECORD_ROUTES: Route[] = [
  { pattern: ['Patient', ':id', '$summary'], methods: { GET: summaryOperation, POST: summaryOperation }, access: checkedByHandler },
  { pattern: ['Patient', ':id', '$summary-pdf'], methods: { GET: summaryPdfOperation, POST: summaryPdfOperation }, access: checkedByHandler },
  { pattern: ['Patient', ':id', '$share'], methods: { POST: shareOperation }, access: checkedByHandler },
  { pattern: ['Patient', ':id', '$shares'], methods: { GET: sharesOperation }, access: checkedByHandler },
  { pattern: ['Patient', ':id', '$share-revoke'], methods: { POST: shareRevokeOperation }, access: checkedByHandler },
];
