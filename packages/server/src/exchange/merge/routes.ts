/**
 * The merge part of cross-organization exchange: its FHIR routes (see exchange/routes.ts). They
 * pass the guard as Patient operations; the handlers admit only records staff (access.ts).
 */
import type { Route } from '../../api/router.ts';
import { duplicatesOperation } from './duplicates-operation.ts';
import { mergeOperation } from './merge-operation.ts';
import { unmergeOperation } from './unmerge-operation.ts';

const access = (): { interaction: 'operation'; type: string } => ({ interaction: 'operation', type: 'Patient' });

export const MERGE_ROUTES: Route[] = [
  { pattern: ['Patient', '$duplicates'], methods: { GET: duplicatesOperation }, access },
  { pattern: ['Patient', '$merge'], methods: { POST: mergeOperation }, access },
  { pattern: ['Patient', '$unmerge'], methods: { POST: unmergeOperation }, access },
];
