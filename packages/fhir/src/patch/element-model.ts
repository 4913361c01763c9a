/**
 * What FHIRPath Patch needs to know about R4 element shapes, read from the fhirpath library's R4
 * model: whether an element repeats, which JSON key a choice element takes for a given type, and
 * which model path describes an element's children.
 *
 * A "content path" is how the model names the thing whose children we look up: a datatype name
 * (`HumanName`) or, for backbone elements, the element path (`Patient.contact`) — the same
 * convention fhirpath uses for `ResourceNode.path`. Unknown paths answer "not repeating, not a
 * choice, no children", so patches on data the model does not describe still apply literally.
 * Nothing here validates resources.
 */
import r4 from 'fhirpath/fhir-context/r4';

const ANONYMOUS_TYPES = new Set(['BackboneElement', 'Element']);

function childPath(contentPath: string, name: string): string {
  return `${contentPath}.${name}`;
}

/** True when the element `name` under `contentPath` has max cardinality > 1. */
export function isRepeating(contentPath: string | undefined, name: string): boolean {
  if (!contentPath) return false;
  const raw = childPath(contentPath, name);
  if (r4.path2Repeating[raw]) return true;
  const elsewhere = r4.pathsDefinedElsewhere[raw];
  return elsewhere !== undefined && r4.path2Repeating[elsewhere] === true;
}

/** The content path describing the children of element `name` under `contentPath`. */
export function contentPathOf(contentPath: string | undefined, name: string): string | undefined {
  if (!contentPath) return undefined;
  const raw = childPath(contentPath, name);
  const elsewhere = r4.pathsDefinedElsewhere[raw];
  if (elsewhere) return elsewhere;
  const type = r4.path2Type[raw];
  if (type === undefined) return undefined;
  return ANONYMOUS_TYPES.has(type) ? raw : type;
}

/** Type suffixes (`Quantity`, `String`, ...) allowed for a choice element, or undefined. */
export function choiceSuffixes(contentPath: string | undefined, name: string): string[] | undefined {
  if (!contentPath) return undefined;
  return r4.choiceTypePaths[childPath(contentPath, name)];
}

/**
 * The JSON key for element `name` holding a value of `valueType` (a Parameters value[x] suffix
 * such as `Quantity`): `value` + `Quantity` for choice elements, `name` otherwise.
 */
export function jsonKeyFor(contentPath: string | undefined, name: string, valueType: string | undefined): string {
  const suffixes = choiceSuffixes(contentPath, name);
  if (!suffixes || valueType === undefined) return name;
  const suffix = valueType.charAt(0).toUpperCase() + valueType.slice(1);
  return suffixes.includes(suffix) ? name + suffix : name;
}
