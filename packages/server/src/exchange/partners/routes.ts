/**
 * The partners part of cross-organization exchange: its FHIR routes (see exchange/routes.ts).
 * Writing the directory and checking a partner are for administrators and system clients; the
 * list is also for the staff who may search Organizations (they pick a partner from it).
 */
import type { Route } from '../../api/router.ts';
import { addPartnerOperation } from './add-partner.ts';
import { checkPartnerOperation } from './check-partner.ts';
import { disablePartnerOperation } from './disable-partner.ts';
import { listPartnersOperation } from './list-partners.ts';

export const PARTNERS_ROUTES: Route[] = [
  { pattern: ['Organization', '$add-partner'], methods: { POST: addPartnerOperation }, access: () => ({ interaction: 'admin', type: 'Organization' }) },
  { pattern: ['Organization', '$partners'], methods: { GET: listPartnersOperation }, access: () => ({ interaction: 'search', type: 'Organization' }) },
  { pattern: ['Organization', ':id', '$check-partner'], methods: { POST: (ctx, req, id) => checkPartnerOperation(ctx, req, id) }, access: () => ({ interaction: 'admin', type: 'Organization' }) },
  { pattern: ['Organization', ':id', '$disable-partner'], methods: { POST: (ctx, req, id) => disablePartnerOperation(ctx, req, id) }, access: () => ({ interaction: 'admin', type: 'Organization' }) },
];
