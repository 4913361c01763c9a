/**
 * The shipped order catalogue (`knowledge/orders/catalogue.json`) as FHIR definitional resources:
 * a SpecimenDefinition per specimen type, an ActivityDefinition per orderable lab test, panel or
 * imaging study (its LOINC code; for a lab its specimen requirement and, for a panel, its member
 * tests as `PANEL_MEMBER_EXT` extensions; for imaging the modality and body site), a PlanDefinition (type order-set) per order set whose actions point at those
 * ActivityDefinitions, and the demo laboratory (an Organization). Pure: the file is parsed by the
 * caller; resources get fixed ids so that seeding them is idempotent.
 */
import type { ActivityDefinition, Organization, PlanDefinition, Resource, SpecimenDefinition } from '@medplum/fhirtypes';
import { CANONICAL_BASE, canonicalUrl, DICOM, IMAGING_CATEGORY, LAB_CATEGORY, LOINC, SNOMED, V2_SPECIMEN } from './codes.ts';

export interface CatalogueFile {
  version: string;
  specimens: Record<string, { v2: string; display: string; snomed: string; snomedDisplay: string; container: string }>;
  labs: { key: string; loinc: string; display: string; title: string; specimen: string; members?: string[] }[];
  members: Record<string, string>;
  notInStarterList: string[];
  imaging: { key: string; loinc: string; display: string; title: string; modality: string; bodySite: string }[];
  sets: { key: string; title: string; description: string; labs: string[] }[];
  lab: { id: string; name: string; identifier: string };
}

/** The extension that lists a panel's member tests on its ActivityDefinition. */
export const PANEL_MEMBER_EXT = 'urn:continuum:order-catalogue:panel-member';

const publisher = 'Continuum (starter catalogue; synthetic demonstration content)';

function specimenDefinition(key: string, s: CatalogueFile['specimens'][string]): SpecimenDefinition {
  return {
    resourceType: 'SpecimenDefinition',
    id: `specimen-${key}`,
    identifier: { system: `${CANONICAL_BASE}/SpecimenDefinition`, value: key },
    typeCollected: { coding: [{ system: V2_SPECIMEN, code: s.v2, display: s.display }, { system: SNOMED, code: s.snomed, display: s.snomedDisplay }], text: s.display },
    typeTested: [{ preference: 'preferred', container: { description: s.container } }],
  };
}

function labDefinition(lab: CatalogueFile['labs'][number], file: CatalogueFile): ActivityDefinition {
  return {
    resourceType: 'ActivityDefinition',
    id: `lab-${lab.key}`,
    url: canonicalUrl('ActivityDefinition', `lab-${lab.key}`),
    version: file.version,
    name: `Lab_${lab.key.replace(/[^A-Za-z0-9]/g, '_')}`,
    title: lab.title,
    status: 'active',
    publisher,
    kind: 'ServiceRequest',
    topic: [{ coding: [LAB_CATEGORY], text: 'Laboratory' }],
    code: { coding: [{ system: LOINC, code: lab.loinc, display: lab.display }], text: lab.title },
    specimenRequirement: [{ reference: `SpecimenDefinition/specimen-${lab.specimen}`, display: file.specimens[lab.specimen]?.display ?? lab.specimen }],
    ...(lab.members
      ? { extension: lab.members.map((code) => ({ url: PANEL_MEMBER_EXT, valueCoding: { system: LOINC, code, display: file.members[code] ?? code } })) }
      : {}),
  };
}

function imagingDefinition(study: CatalogueFile['imaging'][number], version: string): ActivityDefinition {
  return {
    resourceType: 'ActivityDefinition',
    id: `imaging-${study.key}`,
    url: canonicalUrl('ActivityDefinition', `imaging-${study.key}`),
    version,
    name: `Imaging_${study.key.replace(/[^A-Za-z0-9]/g, '_')}`,
    title: study.title,
    status: 'active',
    publisher,
    kind: 'ServiceRequest',
    topic: [{ coding: [IMAGING_CATEGORY], text: 'Imaging' }, { coding: [{ system: DICOM, code: study.modality }], text: study.modality }],
    code: { coding: [{ system: LOINC, code: study.loinc, display: study.display }], text: study.title },
    bodySite: [{ text: study.bodySite }],
  };
}

function orderSet(set: CatalogueFile['sets'][number], version: string): PlanDefinition {
  return {
    resourceType: 'PlanDefinition',
    id: `order-set-${set.key}`,
    url: canonicalUrl('PlanDefinition', set.key),
    version,
    name: set.key.replace(/[^A-Za-z0-9]/g, '_'),
    title: set.title,
    description: set.description,
    status: 'active',
    publisher,
    type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/plan-definition-type', code: 'order-set', display: 'Order Set' }] },
    topic: [{ coding: [LAB_CATEGORY], text: 'Laboratory' }],
    action: set.labs.map((key) => ({ id: key, definitionCanonical: `${canonicalUrl('ActivityDefinition', `lab-${key}`)}|${version}` })),
  };
}

function demoLab(lab: CatalogueFile['lab']): Organization {
  return {
    resourceType: 'Organization',
    id: lab.id,
    active: true,
    identifier: [{ system: 'urn:continuum:organization', value: lab.identifier }],
    type: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/organization-type', code: 'prov', display: 'Healthcare Provider' }], text: 'Laboratory' }],
    name: lab.name,
  };
}

/** Every resource the catalogue defines, definitions before what refers to them. */
export function catalogueResources(file: CatalogueFile): Resource[] {
  for (const set of file.sets) for (const key of set.labs) if (!file.labs.some((l) => l.key === key)) throw new Error(`order set ${set.key}: no lab '${key}'`);
  for (const lab of file.labs) if (!file.specimens[lab.specimen]) throw new Error(`lab ${lab.key}: no specimen '${lab.specimen}'`);
  return [
    demoLab(file.lab),
    ...Object.entries(file.specimens).map(([key, s]) => specimenDefinition(key, s)),
    ...file.labs.map((l) => labDefinition(l, file)),
    ...file.imaging.map((i) => imagingDefinition(i, file.version)),
    ...file.sets.map((s) => orderSet(s, file.version)),
  ];
}
