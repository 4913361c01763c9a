/**
 * Tests for write validation against the R4 base definitions: the envelope checks, medplum's
 * structural checks as surfaced through our API, required bindings, reference formats, and a
 * sweep over the official R4 examples (which must nearly all pass).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { OperationOutcomeIssue } from '@medplum/fhirtypes';
import { ID_PATTERN, isResourceType, loadDefinitions, resourceTypes, validateResource } from '../src/validation/index.ts';

const patient = {
  resourceType: 'Patient',
  id: 'p-1',
  identifier: [{ system: 'http://example.org/mrn', value: '123' }],
  name: [{ use: 'official', family: 'Smith', given: ['Jane'] }],
  telecom: [{ system: 'phone', value: '555-0100', use: 'home' }],
  gender: 'female',
  birthDate: '1970-03-01',
  maritalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-MaritalStatus', code: 'M' }] },
  managingOrganization: { reference: 'Organization/org-1' },
};

const observation = {
  resourceType: 'Observation',
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
  subject: { reference: 'Patient/p-1' },
};

function errorsAt(issues: OperationOutcomeIssue[]): string[] {
  return issues.flatMap((i) => i.expression ?? []);
}

function assertInvalidAt(input: unknown, expression: string, code?: OperationOutcomeIssue['code']): void {
  const issues = validateResource(input);
  const match = issues.find((i) => i.expression?.includes(expression));
  assert.ok(match, `expected an issue at ${expression}, got ${JSON.stringify(issues)}`);
  assert.equal(match.severity, 'error');
  assert.ok(match.details?.text && match.diagnostics, 'issue has details.text and diagnostics');
  if (code) assert.equal(match.code, code);
}

before(() => loadDefinitions());

describe('definitions', () => {
  it('lists the concrete R4 resource types', () => {
    const types = resourceTypes();
    assert.equal(types.length, 146);
    assert.deepEqual([...types], [...types].sort());
    assert.ok(isResourceType('Patient') && isResourceType('Bundle') && isResourceType('Parameters'));
    for (const name of ['Resource', 'DomainResource', 'MetadataResource', 'SubscriptionStatus', 'patient', 'HumanName']) {
      assert.equal(isResourceType(name), false, name);
    }
  });

  it('loading twice is harmless', () => {
    loadDefinitions();
    assert.equal(resourceTypes().length, 146);
  });

  it('ID_PATTERN matches the FHIR id datatype', () => {
    assert.ok(ID_PATTERN.test('a-B.9'));
    assert.ok(!ID_PATTERN.test('a b') && !ID_PATTERN.test('') && !ID_PATTERN.test('x'.repeat(65)));
  });
});

describe('validateResource: envelope', () => {
  it('rejects non-objects without throwing', () => {
    for (const input of [null, undefined, [], [patient], 'Patient', 42, true]) {
      const issues = validateResource(input);
      assert.equal(issues.length, 1, JSON.stringify(input));
      assert.equal(issues[0]?.code, 'structure');
    }
  });

  it('rejects a missing, unknown or abstract resourceType', () => {
    assert.equal(validateResource({ id: 'x' })[0]?.code, 'required');
    assert.match(validateResource({ resourceType: 'Foo' })[0]?.diagnostics ?? '', /Foo/);
    assert.equal(validateResource({ resourceType: 'DomainResource' }).length, 1);
    assert.equal(validateResource({ resourceType: 'Resource' }).length, 1);
  });

  it('rejects a malformed id at <Type>.id', () => {
    assertInvalidAt({ ...patient, id: 'bad id!' }, 'Patient.id', 'value');
    assertInvalidAt({ ...patient, id: 'x'.repeat(65) }, 'Patient.id');
    assertInvalidAt({ ...patient, id: 7 }, 'Patient.id');
  });
});

describe('validateResource: structure (medplum)', () => {
  it('accepts a valid Patient and Observation', () => {
    assert.deepEqual(validateResource(patient), []);
    assert.deepEqual(validateResource(observation), []);
  });

  it('rejects a bad date format', () => assertInvalidAt({ ...patient, birthDate: '1970-13-45' }, 'Patient.birthDate'));

  it('rejects unknown elements', () => assertInvalidAt({ ...patient, favouriteColour: 'blue' }, 'Patient.favouriteColour'));

  it('rejects missing required elements', () => {
    const issues = validateResource({ resourceType: 'Observation' });
    assert.ok(errorsAt(issues).includes('Observation.status'));
    assert.ok(errorsAt(issues).includes('Observation.code'));
  });

  it('rejects an array where a single value is expected, and a wrong JSON type', () => {
    assert.ok(validateResource({ ...patient, birthDate: ['1970-01-01', '1971-01-01'] }).length > 0);
    assertInvalidAt({ ...patient, name: [{ family: 42 }] }, 'Patient.name[0].family');
  });

  it('rejects a wrong choice type', () => {
    assertInvalidAt({ ...observation, valueFoo: 1 }, 'Observation.valueFoo');
    assert.deepEqual(validateResource({ ...observation, valueQuantity: { value: 1, unit: 'kg' } }), []);
  });

  it('does not fail on medplum warnings (reference target type mismatch)', () => {
    assert.deepEqual(validateResource({ ...patient, managingOrganization: { reference: 'Patient/p-2' } }), []);
  });
});

describe('validateResource: required bindings', () => {
  it('rejects a code outside the value set at its element', () => {
    assertInvalidAt({ ...patient, gender: 'femail' }, 'Patient.gender', 'code-invalid');
    assertInvalidAt({ ...observation, status: 'done' }, 'Observation.status', 'code-invalid');
  });

  it('checks codes inside datatypes, arrays and backbone elements', () => {
    assertInvalidAt({ ...patient, telecom: [{ system: 'phone' }, { system: 'pager2', value: '1' }] }, 'Patient.telecom[1].system');
    assertInvalidAt({ ...patient, contact: [{ gender: 'x', name: { family: 'A' } }] }, 'Patient.contact[0].gender');
    assertInvalidAt({ ...patient, link: [{ other: { reference: 'Patient/2' }, type: 'same' }] }, 'Patient.link[0].type');
  });

  it('checks contained and bundled resources', () => {
    const contained = { ...patient, contained: [{ resourceType: 'Patient', id: 'c', gender: 'nope' }] };
    assertInvalidAt(contained, 'Patient.contained[0].gender');
    const bundle = { resourceType: 'Bundle', type: 'collection', entry: [{ resource: { ...patient, gender: 'nope' } }] };
    assertInvalidAt(bundle, 'Bundle.entry[0].resource.gender');
  });

  it('checks CodeableConcepts whose codings come from a covered system', () => {
    const allergy = (code: string, system = 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical') => ({
      resourceType: 'AllergyIntolerance',
      patient: { reference: 'Patient/p-1' },
      clinicalStatus: { coding: [{ system, code }] },
    });
    assert.deepEqual(validateResource(allergy('active')), []);
    assertInvalidAt(allergy('sleeping'), 'AllergyIntolerance.clinicalStatus', 'code-invalid');
    assert.deepEqual(validateResource(allergy('zzz', 'http://example.org/local')), [], 'foreign systems are not judged');
  });

  it('checks required codes in nested backbone elements', () => {
    const sub = (code: string) => ({
      resourceType: 'Subscription', status: 'active', reason: 'r', criteria: 'Observation?',
      channel: { type: code },
    });
    assert.deepEqual(validateResource(sub('rest-hook')), []);
    assertInvalidAt(sub('carrier-pigeon'), 'Subscription.channel.type', 'code-invalid');
  });

  it('skips value sets it cannot expand (mime types)', () => {
    const withPhoto = { ...patient, photo: [{ contentType: 'application/x-anything' }] };
    assert.deepEqual(validateResource(withPhoto), []);
  });
});

describe('validateResource: references', () => {
  const withRef = (reference: string) => ({ ...observation, subject: { reference } });

  it('accepts the literal forms', () => {
    for (const ref of [
      'Patient/p-1', 'Patient/p-1/_history/2', 'https://example.org/fhir/Patient/1',
      'urn:uuid:0c3151bd-1cbf-4d64-b04d-cd9187a4c6e0', 'urn:oid:1.2.840.113619.6', '#p1',
    ]) {
      assert.deepEqual(validateResource(withRef(ref)), [], ref);
    }
  });

  it('rejects malformed references at .reference', () => {
    for (const ref of ['Patient 1', 'Patient/', 'Foo/1', 'Patient/a b', 'urn:uuid:nope', 'ftp://x/y', '']) {
      assertInvalidAt(withRef(ref), 'Observation.subject.reference', 'value');
    }
  });

  it('rejects conditional references unless allowed', () => {
    const conditional = withRef('Patient?identifier=http://example.org/mrn|123');
    assertInvalidAt(conditional, 'Observation.subject.reference');
    assert.deepEqual(validateResource(conditional, { allowConditionalReferences: true }), []);
    assert.equal(validateResource(withRef('Foo?x=1'), { allowConditionalReferences: true }).length, 1);
  });

  it('checks references nested in extensions', () => {
    const ext = { ...patient, extension: [{ url: 'http://example.org/x', valueReference: { reference: 'bad ref' } }] };
    assertInvalidAt(ext, 'Patient.extension[0].valueReference.reference');
  });
});

describe('validateResource: empty and null values', () => {
  const expressionOf = (input: unknown): string[] => validateResource(input).flatMap((i) => i.expression ?? []);

  it('rejects empty arrays, empty objects and null element values where they are', () => {
    assert.deepEqual(expressionOf({ resourceType: 'Patient', name: [] }), ['Patient.name']);
    assert.deepEqual(expressionOf({ resourceType: 'Patient', name: [{}] }), ['Patient.name[0]']);
    assert.deepEqual(expressionOf({ resourceType: 'Patient', gender: null }), ['Patient.gender']);
  });

  it('allows a null that aligns a primitive array with its extensions', () => {
    const ext = { url: 'http://example.org/fhir/StructureDefinition/x', valueString: 'y' };
    assert.deepEqual(validateResource({ resourceType: 'Patient', name: [{ given: ['A', 'B'], _given: [null, { extension: [ext] }] }] }), []);
  });
});

describe('validateResource: invariants', () => {
  const base = { resourceType: 'RiskAssessment', status: 'final', subject: { reference: 'Patient/1' } };

  it('passes an invariant that evaluates to empty (ras-2 without a probability)', () => {
    assert.deepEqual(validateResource({ ...base, prediction: [{ outcome: { text: 'stroke' } }] }), []);
  });

  it('still fails an invariant that evaluates to false (ras-2 with probability 150)', () => {
    const issues = validateResource({ ...base, prediction: [{ probabilityDecimal: 150 }] });
    assert.deepEqual(issues.map((i) => i.expression), [['RiskAssessment.prediction[0]']]);
    assert.match(issues[0]?.details?.text ?? '', /ras-2/);
  });
});

describe('validateResource: official R4 examples', () => {
  const SKIP = new Set([
    'StructureDefinition', 'SearchParameter', 'ValueSet', 'CodeSystem', 'ConceptMap', 'CapabilityStatement',
    'OperationDefinition', 'CompartmentDefinition', 'ImplementationGuide', 'NamingSystem', 'StructureMap',
    'GraphDefinition', 'MessageDefinition', 'TerminologyCapabilities', 'ExampleScenario',
  ]);

  it('at least 95% of the non-conformance examples pass', () => {
    const require = createRequire(import.meta.url);
    const dir = dirname(require.resolve('hl7.fhir.r4.examples/package.json'));
    let total = 0;
    const failures: string[] = [];
    for (const file of readdirSync(dir).sort()) {
      if (!file.endsWith('.json') || file === 'package.json' || file.startsWith('.')) continue;
      // File names start with the resource type; skipping by name avoids parsing huge definitions.
      if (SKIP.has(file.slice(0, file.indexOf('-')))) continue;
      const resource = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { resourceType?: string };
      if (!resource.resourceType || SKIP.has(resource.resourceType)) continue;
      total++;
      const issues = validateResource(resource);
      if (issues.length > 0) {
        failures.push(`${file}: ${issues[0]?.expression?.[0] ?? ''} ${issues[0]?.details?.text ?? ''}`);
      }
    }
    const passed = total - failures.length;
    console.log(`# R4 examples: ${passed}/${total} pass`);
    for (const failure of failures) console.log(`#   ${failure}`);
    assert.ok(total > 500, `expected hundreds of examples, found ${total}`);
    assert.ok(passed / total >= 0.95, `${passed}/${total} passed`);
  });
});
