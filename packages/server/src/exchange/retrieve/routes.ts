/**
 * The consent and retrieve parts of cross-organization exchange: their FHIR routes (see
 * exchange/routes.ts). `$everything` is the one partner route: a partner gets the consent-filtered
 * record, anyone else the API's own `$everything` under the usual guard checks. The others are
 * `public` to the guard and check the caller in the handler (consent/caller.ts), as the portal's do.
 */
import type { Route } from '../../api/router.ts';
import { exchangeConsentGet, exchangeConsentPost } from '../consent/exchange-consent-operation.ts';
import { dataHoldersOperation } from './data-holders-operation.ts';
import { everythingForCaller } from './disclosure.ts';
import { externalMatchOperation, externalRecordOperation } from './external-operations.ts';
import { importExternalOperation } from './import-operation.ts';
import { reconcilePreviewOperation } from './reconcile-preview-operation.ts';

const checkedByHandler = (): { interaction: 'public'; type: string } => ({ interaction: 'public', type: 'Patient' });

export const RETRIEVE_ROUTES: Route[] = [
  {
    pattern: ['Patient', ':id', '$everything'],
    methods: { GET: everythingForCaller, POST: everythingForCaller },
    access: (_m, [id]) => ({ interaction: 'operation', type: 'Patient', target: { type: 'Patient', id: id! }, partner: true }),
  },
  { pattern: ['Patient', ':id', '$exchange-consent'], methods: { GET: exchangeConsentGet, POST: exchangeConsentPost }, access: checkedByHandler },
  { pattern: ['Patient', ':id', '$external-match'], methods: { POST: externalMatchOperation }, access: checkedByHandler },
  { pattern: ['Patient', ':id', '$external-record'], methods: { POST: externalRecordOperation }, access: checkedByHandler },
  { pattern: ['Patient', ':id', '$reconcile-preview'], methods: { POST: reconcilePreviewOperation }, access: checkedByHandler },
  { pattern: ['Patient', ':id', '$import-external'], methods: { POST: importExternalOperation }, access: checkedByHandler },
  { pattern: ['Patient', ':id', '$data-holders'], methods: { GET: dataHoldersOperation }, access: checkedByHandler },
];
