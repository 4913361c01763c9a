/**
 * The portal's FHIR operations for accounts (see portal/routes.ts). Each entry is a route of the FHIR
 * router (api/router.ts): a path pattern, its handlers by method, and what it does for the guard.
 * Sign-in, activation and connected apps are not FHIR: they live in auth/ (portal-client.ts,
 * activation-pages.ts, grants.ts).
 */
import type { Route } from '../../api/router.ts';
import { portalInviteOperation } from './portal-invite.ts';
import { grantProxyOperation } from './grant-proxy.ts';
import { proxiesOperation } from './proxies.ts';
import { revokeProxyOperation } from './revoke-proxy.ts';

export const ACCOUNTS_ROUTES: Route[] = [
  {
    pattern: ['Patient', ':id', '$portal-invite'],
    methods: { POST: (ctx, req, id) => portalInviteOperation(ctx, req, id) },
    access: (_m, [id]) => ({ interaction: 'operation', type: 'Patient', target: { type: 'Patient', id: id! } }),
  },
  {
    pattern: ['Patient', ':id', '$grant-proxy'],
    methods: { POST: (ctx, req, id) => grantProxyOperation(ctx, req, id) },
    access: (_m, [id]) => ({ interaction: 'operation', type: 'Patient', target: { type: 'Patient', id: id! } }),
  },
  {
    pattern: ['Patient', ':id', '$proxies'],
    methods: { GET: (ctx, req, id) => proxiesOperation(ctx, req, id) },
    access: (_m, [id]) => ({ interaction: 'operation', type: 'Patient', target: { type: 'Patient', id: id! } }),
  },
  {
    pattern: ['Patient', ':id', '$revoke-proxy'],
    methods: { POST: (ctx, req, id) => revokeProxyOperation(ctx, req, id) },
    access: (_m, [id]) => ({ interaction: 'operation', type: 'Patient', target: { type: 'Patient', id: id! } }),
  },
];
