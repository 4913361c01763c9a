/**
 * Checks the literal format of `Reference.reference` strings. Medplum's validator only warns
 * about references; a server that stores and indexes them needs them well-formed, so a bad format
 * is an error here. Accepted forms: `Type/id`, `Type/id/_history/vid`, absolute http(s) URLs,
 * `urn:uuid:`, `urn:oid:`, `#local` (contained; a bare `#` is the container itself) and, when
 * allowed, conditional `Type?query` references used inside transactions. It does not resolve
 * references or check the target type against the element's allowed targets.
 */

const RELATIVE = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[A-Za-z0-9\-.]{1,64})?$/;
const ABSOLUTE = /^https?:\/\/[^\s/?#]+[^\s]*$/;
const UUID = /^urn:uuid:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const OID = /^urn:oid:[0-2](?:\.(?:0|[1-9][0-9]*))+$/;
const LOCAL = /^#(?:[A-Za-z0-9\-.]{1,64})?$/;
const CONDITIONAL = /^([A-Z][A-Za-z]+)\?\S*$/;

export interface ReferenceFormatOptions {
  readonly allowConditionalReferences?: boolean;
  readonly isResourceType: (name: string) => boolean;
}

/** Returns why `reference` is malformed, or `undefined` when it is acceptable. */
export function referenceFormatError(reference: string, options: ReferenceFormatOptions): string | undefined {
  const relative = RELATIVE.exec(reference);
  if (relative) {
    const type = relative[1] as string;
    return options.isResourceType(type) ? undefined : `Unknown resource type "${type}" in reference "${reference}"`;
  }
  if (ABSOLUTE.test(reference) || UUID.test(reference) || OID.test(reference) || LOCAL.test(reference)) {
    return undefined;
  }
  const conditional = CONDITIONAL.exec(reference);
  if (conditional) {
    const type = conditional[1] as string;
    if (!options.allowConditionalReferences) {
      return `Conditional reference "${reference}" is only allowed inside a transaction`;
    }
    return options.isResourceType(type) ? undefined : `Unknown resource type "${type}" in reference "${reference}"`;
  }
  return `Invalid reference format "${reference}": expected Type/id, an absolute URL, urn:uuid:, urn:oid: or #id`;
}
