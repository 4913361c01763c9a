// Patient-compartment membership from R4's CompartmentDefinition, over extracted reference rows.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Encounter, Observation, Organization, Patient, Resource } from '@medplum/fhirtypes';
import { extractIndexRows, patientCompartment, SearchParamRegistry } from '../src/search/index.ts';

const r4 = SearchParamRegistry.r4();
const compartment = (resource: Resource): string[] => patientCompartment(resource, extractIndexRows(resource, r4)).sort();

describe('patientCompartment', () => {
  it('places an Observation in its subject and performer patients, once each', () => {
    const obs: Observation = {
      resourceType: 'Observation',
      status: 'final',
      code: { text: 'note' },
      subject: { reference: 'Patient/a' },
      performer: [{ reference: 'Patient/b' }, { reference: 'Practitioner/x' }, { reference: 'Patient/a' }],
      // `focus` is not a compartment parameter for Observation
      focus: [{ reference: 'Patient/c' }],
    };
    assert.deepEqual(compartment(obs), ['a', 'b']);
  });

  it('places an Observation about a Group in no compartment', () => {
    const obs: Observation = { resourceType: 'Observation', status: 'final', code: {}, subject: { reference: 'Group/g' } };
    assert.deepEqual(compartment(obs), []);
  });

  it('places an Encounter in its subject patient', () => {
    const enc: Encounter = {
      resourceType: 'Encounter',
      status: 'finished',
      class: { code: 'AMB' },
      subject: { reference: 'http://example.org/fhir/Patient/p9' },
      participant: [{ individual: { reference: 'Practitioner/x' } }],
    };
    assert.deepEqual(compartment(enc), ['p9']);
  });

  it('places a Patient in its own compartment and those of linked patients', () => {
    const patient: Patient = { resourceType: 'Patient', id: 'self', link: [{ other: { reference: 'Patient/other' }, type: 'seealso' }] };
    assert.deepEqual(compartment(patient), ['other', 'self']);
    assert.deepEqual(compartment({ resourceType: 'Patient' }), []);
  });

  it('places types outside the compartment definition nowhere', () => {
    const org: Organization = { resourceType: 'Organization', id: 'o', partOf: { reference: 'Patient/a' } };
    assert.deepEqual(compartment(org), []);
  });
});
