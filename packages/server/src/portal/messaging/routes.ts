/**
 * The portal's FHIR operations for messaging (see portal/routes.ts). Each entry is a route of the FHIR
 * router (api/router.ts): a path pattern, its handlers by method, and what it does for the guard.
 */
import type { Route } from '../../api/router.ts';

export const MESSAGING_ROUTES: Route[] = [];
