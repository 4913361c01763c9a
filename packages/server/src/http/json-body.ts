/**
 * Request-body parsing for the FHIR endpoint: JSON with a nesting-depth limit (checked in one
 * pass before JSON.parse, so a hostile body cannot blow the stack), and form bodies for
 * POST `_search`. Failures are OutcomeErrors (400), never framework errors.
 */
import { badRequest } from '@continuum/fhir';

/** The deepest `{`/`[` nesting in a JSON text, ignoring brackets inside strings. */
export function jsonDepth(text: string, limit: number): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > max) {
        max = depth;
        if (max > limit) return max;
      }
    } else if (c === 125 || c === 93) depth--;
  }
  return max;
}

export function parseJsonBody(text: string, maxDepth: number): unknown {
  if (text.trim() === '') return undefined;
  if (jsonDepth(text, maxDepth) > maxDepth) throw badRequest(`JSON nesting deeper than ${maxDepth} levels is not accepted`);
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw badRequest(`Malformed JSON: ${(err as Error).message.replace(/\s+in JSON.*$/, '')}`);
  }
}
