/**
 * Cross-organization exchange's FHIR operations, one list per part: patient matching (mpi),
 * merge and unmerge (merge), the partner directory (partners), consent-checked query and retrieve
 * with import and reconciliation (retrieve), referrals and provider messaging (referrals), and
 * Subscriptions (subscriptions). Literal routes here come before the router's generic ones.
 */
import type { Route } from '../api/router.ts';
import { MERGE_ROUTES } from './merge/routes.ts';
import { MPI_ROUTES } from './mpi/routes.ts';
import { PARTNERS_ROUTES } from './partners/routes.ts';
import { REFERRALS_ROUTES } from './referrals/routes.ts';
import { RETRIEVE_ROUTES } from './retrieve/routes.ts';
import { SUBSCRIPTIONS_ROUTES } from './subscriptions/routes.ts';

export function exchangeRoutes(): Route[] {
  return [...MPI_ROUTES, ...MERGE_ROUTES, ...PARTNERS_ROUTES, ...RETRIEVE_ROUTES, ...REFERRALS_ROUTES, ...SUBSCRIPTIONS_ROUTES];
}
