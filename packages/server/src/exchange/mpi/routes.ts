/** The mpi part of cross-organization exchange: its FHIR routes (see exchange/routes.ts). */
import type { Route } from '../../api/router.ts';
import { matchOperation } from './match-operation.ts';

export const MPI_ROUTES: Route[] = [
  // Partners may call it: the handler checks their purpose and each patient's consent, and audits.
  { pattern: ['Patient', '$match'], methods: { POST: matchOperation }, access: () => ({ interaction: 'search', type: 'Patient', partner: true }) },
];
