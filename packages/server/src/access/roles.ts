/**
 * What each staff role may do with each R4 resource type, before scopes, compartments and
 * sensitivity labels narrow it further (`policy.ts`). Every R4 type sits in exactly one category;
 * a role grants read (`r`, `s`) or read-write (`c`, `r`, `u`, `d`, `s`) per category, and may
 * override single types. A user with several roles gets the union. A type no grant names is
 * denied, and so is any name that is not an R4 type.
 *
 * | role        | read and write                                   | read only                                        |
 * |-------------|--------------------------------------------------|--------------------------------------------------|
 * | admin       | every category except audit                      | AuditEvent                                       |
 * | physician,  | clinical, demographics, scheduling, directory,   | conformance; Account, Coverage,                  |
 * | nurse       | ChargeItem                                       | CoverageEligibilityRequest/Response              |
 * | front-desk  | demographics, scheduling, Coverage,              | directory                                        |
 * |             | CoverageEligibilityRequest/Response              |                                                  |
 * | biller      | financial                                        | Patient, RelatedPerson, Encounter, Condition,    |
 * |             |                                                  | Procedure, directory                             |
 * | auditor     | nothing                                          | AuditEvent, directory                            |
 *
 * Why, as a privacy officer would put it (HIPAA's minimum-necessary standard, 45 CFR 164.502(b)):
 * - Nobody writes AuditEvent as a user, not even an admin: the trail is written by the server
 *   (or a backend service holding `system/` scopes), and a user who could amend it could erase
 *   their own tracks. Auditors and admins read it; clinicians have no need to.
 * - Conformance, terminology and knowledge artifacts (SearchParameter, StructureDefinition,
 *   Questionnaire, PlanDefinition, Subscription, ...) change how the system treats every patient,
 *   or where data flows, so only admins write them. Clinicians read them to fill in forms.
 * - Clinicians see insurance (ordering and prior authorisation depend on it) and capture charges
 *   at the point of care, but claims, remittances, invoices and payments are the billing office's.
 * - Front desk registers, schedules and verifies eligibility (a routine check-in step), and looks
 *   up the directory; no clinical data, not even a reason for visit note.
 * - Billers code and claim: they need the patient (and the guarantor or subscriber, often a
 *   RelatedPerson), the encounter, its diagnoses and procedures; not notes, results or orders.
 * - Auditors review access; the directory lets them show who a practitioner or location is.
 */
import { isResourceType } from '@continuum/fhir';
import type { Role } from '../identity/types.ts';
import { PERMISSIONS, type Permission } from './scopes.ts';

export type ResourceCategory =
  | 'clinical'
  | 'demographics'
  | 'scheduling'
  | 'directory'
  | 'financial'
  | 'audit'
  | 'conformance';

/** Every R4 resource type, by category. `clinical` also holds clinical-administrative types. */
export const RESOURCE_CATEGORIES: Readonly<Record<ResourceCategory, readonly string[]>> = {
  demographics: ['Patient', 'RelatedPerson', 'Person'],
  scheduling: ['Appointment', 'AppointmentResponse', 'Schedule', 'Slot'],
  directory: [
    'Practitioner',
    'PractitionerRole',
    'Organization',
    'OrganizationAffiliation',
    'Location',
    'HealthcareService',
    'Endpoint',
    'InsurancePlan',
  ],
  financial: [
    'Account',
    'ChargeItem',
    'Claim',
    'ClaimResponse',
    'Coverage',
    'CoverageEligibilityRequest',
    'CoverageEligibilityResponse',
    'EnrollmentRequest',
    'EnrollmentResponse',
    'ExplanationOfBenefit',
    'Invoice',
    'PaymentNotice',
    'PaymentReconciliation',
  ],
  audit: ['AuditEvent'],
  conformance: [
    // conformance and terminology
    'CapabilityStatement', 'CodeSystem', 'CompartmentDefinition', 'ConceptMap', 'ExampleScenario',
    'GraphDefinition', 'ImplementationGuide', 'MessageDefinition', 'NamingSystem', 'OperationDefinition',
    'SearchParameter', 'StructureDefinition', 'StructureMap', 'TerminologyCapabilities', 'TestReport',
    'TestScript', 'ValueSet',
    // infrastructure: messaging, subscriptions, operation envelopes
    'MessageHeader', 'OperationOutcome', 'Parameters', 'Subscription',
    // knowledge artifacts and product definitions
    'ActivityDefinition', 'CatalogEntry', 'ChargeItemDefinition', 'DeviceDefinition', 'EffectEvidenceSynthesis',
    'EventDefinition', 'Evidence', 'EvidenceVariable', 'Library', 'Measure', 'MedicationKnowledge',
    'ObservationDefinition', 'PlanDefinition', 'Questionnaire', 'ResearchDefinition', 'ResearchElementDefinition',
    'RiskEvidenceSynthesis', 'SpecimenDefinition',
    'MedicinalProduct', 'MedicinalProductAuthorization', 'MedicinalProductContraindication',
    'MedicinalProductIndication', 'MedicinalProductIngredient', 'MedicinalProductInteraction',
    'MedicinalProductManufactured', 'MedicinalProductPackaged', 'MedicinalProductPharmaceutical',
    'MedicinalProductUndesirableEffect', 'SubstanceNucleicAcid', 'SubstancePolymer', 'SubstanceProtein',
    'SubstanceReferenceInformation', 'SubstanceSourceMaterial', 'SubstanceSpecification',
  ],
  clinical: [
    'AdverseEvent', 'AllergyIntolerance', 'Basic', 'Binary', 'BiologicallyDerivedProduct', 'BodyStructure',
    'Bundle', 'CarePlan', 'CareTeam', 'ClinicalImpression', 'Communication', 'CommunicationRequest',
    'Composition', 'Condition', 'Consent', 'Contract', 'DetectedIssue', 'Device', 'DeviceMetric',
    'DeviceRequest', 'DeviceUseStatement', 'DiagnosticReport', 'DocumentManifest', 'DocumentReference',
    'Encounter', 'EpisodeOfCare', 'FamilyMemberHistory', 'Flag', 'Goal', 'Group', 'GuidanceResponse',
    'ImagingStudy', 'Immunization', 'ImmunizationEvaluation', 'ImmunizationRecommendation', 'Linkage',
    'List', 'MeasureReport', 'Media', 'Medication', 'MedicationAdministration', 'MedicationDispense',
    'MedicationRequest', 'MedicationStatement', 'MolecularSequence', 'NutritionOrder', 'Observation',
    'Procedure', 'Provenance', 'QuestionnaireResponse', 'RequestGroup', 'ResearchStudy', 'ResearchSubject',
    'RiskAssessment', 'ServiceRequest', 'Specimen', 'Substance', 'SupplyDelivery', 'SupplyRequest', 'Task',
    'VerificationResult', 'VisionPrescription',
  ],
};

const CATEGORY_OF: ReadonlyMap<string, ResourceCategory> = new Map(
  Object.entries(RESOURCE_CATEGORIES).flatMap(([category, types]) =>
    types.map((t) => [t, category as ResourceCategory] as const),
  ),
);

/** The category of an R4 type; undefined for anything else. */
export function categoryOf(type: string): ResourceCategory | undefined {
  return isResourceType(type) ? CATEGORY_OF.get(type) : undefined;
}

/** `r` grants read and search; `rw` adds create, update and delete. */
export type RoleAccess = 'r' | 'rw';

export interface RoleGrant {
  categories: Partial<Record<ResourceCategory, RoleAccess>>;
  /** Per-type exceptions; they win over the type's category. */
  types?: Readonly<Record<string, RoleAccess>>;
}

const DIRECTORY_READ = { directory: 'r' } as const;

const CLINICIAN: RoleGrant = {
  categories: { clinical: 'rw', demographics: 'rw', scheduling: 'rw', directory: 'rw', conformance: 'r' },
  types: {
    Account: 'r',
    Coverage: 'r',
    CoverageEligibilityRequest: 'r',
    CoverageEligibilityResponse: 'r',
    ChargeItem: 'rw',
  },
};

export const ROLE_GRANTS: Readonly<Record<Role, RoleGrant>> = {
  admin: {
    categories: {
      clinical: 'rw',
      demographics: 'rw',
      scheduling: 'rw',
      directory: 'rw',
      financial: 'rw',
      conformance: 'rw',
      audit: 'r',
    },
  },
  physician: CLINICIAN,
  nurse: CLINICIAN,
  'front-desk': {
    categories: { demographics: 'rw', scheduling: 'rw', ...DIRECTORY_READ },
    types: { Coverage: 'rw', CoverageEligibilityRequest: 'rw', CoverageEligibilityResponse: 'rw' },
  },
  biller: {
    categories: { financial: 'rw', ...DIRECTORY_READ },
    types: { Patient: 'r', RelatedPerson: 'r', Encounter: 'r', Condition: 'r', Procedure: 'r' },
  },
  auditor: { categories: { audit: 'r', ...DIRECTORY_READ } },
};

const READ_ONLY: ReadonlySet<Permission> = new Set(['r', 's']);
const READ_WRITE: ReadonlySet<Permission> = new Set(PERMISSIONS);

function accessOf(role: Role, type: string, category: ResourceCategory): RoleAccess | undefined {
  const grant = ROLE_GRANTS[role];
  return grant.types?.[type] ?? grant.categories[category];
}

/** Whether any of `roles` may use `permission` on resources of `type`. */
export function rolePermits(roles: readonly Role[], type: string, permission: Permission): boolean {
  const category = categoryOf(type);
  if (category === undefined) return false;
  return roles.some((role) => {
    const access = accessOf(role, type, category);
    if (access === undefined) return false;
    return (access === 'rw' ? READ_WRITE : READ_ONLY).has(permission);
  });
}
