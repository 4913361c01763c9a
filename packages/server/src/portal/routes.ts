/**
 * The patient portal's FHIR operations, one list per part of the portal. They are FHIR routes like
 * any other: the guard checks them with the caller's token, and the HTTP edge audits them.
 * Literal routes here come before the router's generic ones.
 */
import type { Route } from '../api/router.ts';
import { ACCOUNTS_ROUTES } from './accounts/routes.ts';
import { BILLING_ROUTES } from './billing/routes.ts';
import { MESSAGING_ROUTES } from './messaging/routes.ts';
import { RECORD_ROUTES } from './record/routes.ts';
import { SCHEDULING_ROUTES } from './scheduling/routes.ts';

export function portalRoutes(): Route[] {
  return [...ACCOUNTS_ROUTES, ...SCHEDULING_ROUTES, ...MESSAGING_ROUTES, ...BILLING_ROUTES, ...RECORD_ROUTES];
}
