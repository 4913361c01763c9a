/**
 * Access suite, staff roles: a matrix of role × representative type × permission, written out
 * from the role rules (clinicians: clinical, administrative and scheduling data; front desk:
 * demographics, scheduling, coverage and the directory; billers: financial data and what a claim
 * needs; auditors: the audit trail; admins: everything but writing the trail), plus the union
 * of several roles and the categorisation of every R4 type.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resourceTypes } from '@continuum/fhir';
import { categoryOf, RESOURCE_CATEGORIES, rolePermits } from '../../src/access/roles.ts';
import type { Permission } from '../../src/access/scopes.ts';
import { ROLES, type Role } from '../../src/identity/types.ts';

const ALL: Permission[] = ['c', 'r', 'u', 'd', 's'];

/** Per type, what each role may do, as SMART letters ('' = nothing). */
type Row = Record<Role, string>;
const row = (admin: string, clinician: string, frontDesk: string, biller: string, auditor: string): Row => ({
  admin,
  physician: clinician,
  nurse: clinician,
  'front-desk': frontDesk,
  biller,
  auditor,
});

const RW = 'cruds';
const R = 'rs';

const MATRIX: Record<string, Row> = {
  // clinical data, results and notes
  Observation: row(RW, RW, '', '', ''),
  DiagnosticReport: row(RW, RW, '', '', ''),
  MedicationRequest: row(RW, RW, '', '', ''),
  AllergyIntolerance: row(RW, RW, '', '', ''),
  DocumentReference: row(RW, RW, '', '', ''),
  Composition: row(RW, RW, '', '', ''),
  Binary: row(RW, RW, '', '', ''),
  Media: row(RW, RW, '', '', ''),
  ServiceRequest: row(RW, RW, '', '', ''),
  Consent: row(RW, RW, '', '', ''),
  Provenance: row(RW, RW, '', '', ''),
  CareTeam: row(RW, RW, '', '', ''),
  // what a claim needs
  Encounter: row(RW, RW, '', R, ''),
  Condition: row(RW, RW, '', R, ''),
  Procedure: row(RW, RW, '', R, ''),
  // demographics
  Patient: row(RW, RW, RW, R, ''),
  RelatedPerson: row(RW, RW, RW, R, ''),
  Person: row(RW, RW, RW, '', ''),
  // scheduling
  Appointment: row(RW, RW, RW, '', ''),
  AppointmentResponse: row(RW, RW, RW, '', ''),
  Schedule: row(RW, RW, RW, '', ''),
  Slot: row(RW, RW, RW, '', ''),
  // directory
  Practitioner: row(RW, RW, R, R, R),
  PractitionerRole: row(RW, RW, R, R, R),
  Organization: row(RW, RW, R, R, R),
  Location: row(RW, RW, R, R, R),
  HealthcareService: row(RW, RW, R, R, R),
  Endpoint: row(RW, RW, R, R, R),
  // financial
  Coverage: row(RW, R, RW, RW, ''),
  CoverageEligibilityRequest: row(RW, R, RW, RW, ''),
  CoverageEligibilityResponse: row(RW, R, RW, RW, ''),
  Account: row(RW, R, '', RW, ''),
  ChargeItem: row(RW, RW, '', RW, ''),
  Claim: row(RW, '', '', RW, ''),
  ClaimResponse: row(RW, '', '', RW, ''),
  ExplanationOfBenefit: row(RW, '', '', RW, ''),
  Invoice: row(RW, '', '', RW, ''),
  EnrollmentRequest: row(RW, '', '', RW, ''),
  EnrollmentResponse: row(RW, '', '', RW, ''),
  PaymentNotice: row(RW, '', '', RW, ''),
  PaymentReconciliation: row(RW, '', '', RW, ''),
  // the audit trail: read by admins and auditors, written by nobody
  AuditEvent: row(R, '', '', '', R),
  // conformance, terminology, knowledge and infrastructure: admins write, clinicians read
  SearchParameter: row(RW, R, '', '', ''),
  StructureDefinition: row(RW, R, '', '', ''),
  CapabilityStatement: row(RW, R, '', '', ''),
  ValueSet: row(RW, R, '', '', ''),
  CodeSystem: row(RW, R, '', '', ''),
  Questionnaire: row(RW, R, '', '', ''),
  PlanDefinition: row(RW, R, '', '', ''),
  Subscription: row(RW, R, '', '', ''),
};

describe('role matrix', () => {
  for (const [type, expected] of Object.entries(MATRIX)) {
    it(type, () => {
      for (const role of ROLES) {
        const got = ALL.filter((p) => rolePermits([role], type, p)).join('');
        const want = ALL.filter((p) => expected[role].includes(p)).join('');
        assert.equal(got, want, `${role} on ${type}`);
      }
    });
  }
});

describe('combining roles', () => {
  it('gives the union of several roles', () => {
    assert.equal(rolePermits(['front-desk', 'biller'], 'Claim', 'c'), true, 'from biller');
    assert.equal(rolePermits(['front-desk', 'biller'], 'Appointment', 'c'), true, 'from front desk');
    assert.equal(rolePermits(['front-desk', 'biller'], 'Patient', 'u'), true, 'front desk writes what biller only reads');
    assert.equal(rolePermits(['front-desk', 'biller'], 'Observation', 'r'), false, 'neither sees results');
    assert.equal(rolePermits(['auditor', 'nurse'], 'AuditEvent', 'r'), true);
    assert.equal(rolePermits(['auditor', 'nurse'], 'Observation', 'c'), true);
    assert.equal(rolePermits(['physician', 'biller'], 'Claim', 'u'), true);
  });

  it('denies everything with no roles', () => {
    for (const p of ALL) assert.equal(rolePermits([], 'Patient', p), false);
  });

  it('lets no role write the audit trail', () => {
    for (const p of ['c', 'u', 'd'] as const) assert.equal(rolePermits(ROLES, 'AuditEvent', p), false);
  });

  it('denies names that are not R4 resource types, even to admins', () => {
    for (const type of ['Foo', '*', '', 'Resource', 'DomainResource', 'SubscriptionStatus', 'observation', 'constructor', 'toString']) {
      for (const p of ALL) assert.equal(rolePermits(ROLES, type, p), false, `${type}.${p}`);
    }
  });
});

describe('categories', () => {
  it('puts every R4 resource type in exactly one category', () => {
    const listed = Object.values(RESOURCE_CATEGORIES).flat();
    assert.equal(new Set(listed).size, listed.length, 'no type in two categories');
    assert.deepEqual([...listed].sort(), [...resourceTypes()].sort());
    for (const type of resourceTypes()) assert.notEqual(categoryOf(type), undefined, type);
  });

  it('lets admins do everything but write the audit trail, on every R4 type', () => {
    for (const type of resourceTypes()) {
      for (const p of ALL) {
        const expected = type !== 'AuditEvent' || p === 'r' || p === 's';
        assert.equal(rolePermits(['admin'], type, p), expected, `${type}.${p}`);
      }
    }
  });

  it('never lets front desk or billers near notes and results', () => {
    for (const type of ['Observation', 'DiagnosticReport', 'DocumentReference', 'Composition', 'Binary', 'Media', 'ClinicalImpression', 'Communication', 'ImagingStudy', 'MolecularSequence', 'QuestionnaireResponse']) {
      for (const p of ALL) assert.equal(rolePermits(['front-desk', 'biller'], type, p), false, `${type}.${p}`);
    }
  });

  it('lets the auditor read AuditEvent and the directory only', () => {
    const readable = resourceTypes().filter((t) => rolePermits(['auditor'], t, 'r'));
    assert.deepEqual(readable.sort(), ['AuditEvent', ...RESOURCE_CATEGORIES.directory].sort());
    assert.deepEqual(resourceTypes().filter((t) => ['c', 'u', 'd'].some((p) => rolePermits(['auditor'], t, p as Permission))), []);
  });

  it('keeps clinicians from writing conformance and infrastructure types, on every such type', () => {
    for (const type of RESOURCE_CATEGORIES.conformance) {
      for (const p of ['c', 'u', 'd'] as const) assert.equal(rolePermits(['physician', 'nurse'], type, p), false, `${type}.${p}`);
      assert.equal(rolePermits(['physician'], type, 'r'), true, type);
    }
  });
});
