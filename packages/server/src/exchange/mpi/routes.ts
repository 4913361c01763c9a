/** The mpi part of cross-organization exchange: its FHIR routes (see exchange/routes.ts). */
import type { Route } from '../../api/router.ts';

export const MPI_ROUTES: Route[] = [];
