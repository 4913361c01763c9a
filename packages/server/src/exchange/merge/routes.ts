/** The merge part of cross-organization exchange: its FHIR routes (see exchange/routes.ts). */
import type { Route } from '../../api/router.ts';

export const MERGE_ROUTES: Route[] = [];
