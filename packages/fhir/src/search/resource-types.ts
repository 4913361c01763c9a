/**
 * Which names are R4 resource types, and which of those are DomainResources, read from the type
 * hierarchy that ships with fhirpath.js's R4 model. Used to split union expressions by type, to
 * decide whether `DomainResource` search parameters apply, and to recognise `Type/id` in
 * references. Abstract types (`Resource`, `DomainResource`) are not resource types here.
 */
import r4model from 'fhirpath/fhir-context/r4';

const typeToParent: Record<string, string> = r4model.type2Parent;

function ancestors(type: string): string[] {
  const out: string[] = [];
  for (let parent = typeToParent[type]; parent !== undefined; parent = typeToParent[parent]) {
    out.push(parent);
  }
  return out;
}

const resourceTypes = new Set<string>();
const domainResourceTypes = new Set<string>();
for (const type of Object.keys(typeToParent)) {
  if (type === 'DomainResource') continue;
  const chain = ancestors(type);
  if (!chain.includes('Resource')) continue;
  resourceTypes.add(type);
  if (chain.includes('DomainResource')) domainResourceTypes.add(type);
}

export function isResourceType(name: string): boolean {
  return resourceTypes.has(name);
}

export function isDomainResourceType(name: string): boolean {
  return domainResourceTypes.has(name);
}
