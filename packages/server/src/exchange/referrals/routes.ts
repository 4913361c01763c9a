/** The referrals part of cross-organization exchange: its FHIR routes (see exchange/routes.ts). */
import type { Route } from '../../api/router.ts';

export const REFERRALS_ROUTES: Route[] = [];
