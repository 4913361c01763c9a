/** The subscriptions part of cross-organization exchange: its FHIR routes (see exchange/routes.ts). */
import type { Route } from '../../api/router.ts';
import { followPartner } from './follow-partner.ts';
import { partnerSubscribe } from './partner-subscribe.ts';
import { statusOperation } from './status-operation.ts';

export const SUBSCRIPTIONS_ROUTES: Route[] = [
  // A partner's own Subscription: the handler checks consent and the purpose, and audits.
  { pattern: ['Subscription', '$partner-subscribe'], methods: { POST: partnerSubscribe }, access: () => ({ interaction: 'admin', type: 'Subscription', partner: true }) },
  {
    pattern: ['Subscription', ':id', '$status'],
    methods: { GET: (ctx, req, id) => statusOperation(ctx, req, id) },
    access: (_m, [id]) => ({ interaction: 'read', type: 'Subscription', target: { type: 'Subscription', id: id! } }),
  },
  {
    pattern: ['Patient', ':id', '$follow-partner'],
    methods: { POST: (ctx, req, id) => followPartner(ctx, req, id) },
    access: (_m, [id]) => ({ interaction: 'operation', type: 'Patient', target: { type: 'Patient', id: id! } }),
  },
];
