/**
 * Validation of FHIR R4 writes: the public surface of this folder. `validateResource` returns the
 * blocking OperationOutcome issues for a candidate resource; `loadDefinitions` front-loads the
 * definitions it needs. Nothing here does I/O beyond reading the bundled definitions once.
 */
export { ID_PATTERN, isResourceType, loadDefinitions, resourceTypes } from './definitions.ts';
export { validateResource } from './validator.ts';
export type { ValidateOptions } from './validator.ts';
