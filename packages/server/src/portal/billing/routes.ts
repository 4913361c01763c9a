/**
 * The portal's FHIR operations for billing (see portal/routes.ts): the statement and card
 * payments. The guard checks each target is visible to the caller (404 otherwise); the handlers
 * check the rest.
 */
import type { Route } from '../../api/router.ts';
import { payOperation } from './pay.ts';
import { statementOperation } from './statement.ts';

export const BILLING_ROUTES: Route[] = [
  {
    pattern: ['Patient', ':id', '$statement'],
    methods: { GET: statementOperation, POST: statementOperation },
    access: (_m, [id]) => ({ interaction: 'operation', type: 'Patient', target: { type: 'Patient', id: id! } }),
  },
  {
    pattern: ['Invoice', ':id', '$pay'],
    methods: { POST: (ctx, req, id) => payOperation(ctx, req, id) },
    access: (_m, [id]) => ({ interaction: 'operation', type: 'Invoice', target: { type: 'Invoice', id: id! } }),
  },
];
