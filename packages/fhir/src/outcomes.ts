/**
 * The one error currency of the FHIR stack: OperationOutcome.
 *
 * Domain code throws `OutcomeError` carrying an OperationOutcome and an HTTP status; the HTTP edge
 * is the only place that turns it into a response. Ready-made constructors cover the common cases
 * so that every route reports the same shape. Nothing here knows about HTTP frameworks or SQL.
 */
import type { OperationOutcome, OperationOutcomeIssue } from '@medplum/fhirtypes';

export type IssueType = OperationOutcomeIssue['code'];

export class OutcomeError extends Error {
  readonly status: number;
  readonly outcome: OperationOutcome;

  constructor(status: number, outcome: OperationOutcome) {
    super(outcome.issue?.[0]?.diagnostics ?? outcome.issue?.[0]?.details?.text ?? `HTTP ${status}`);
    this.name = 'OutcomeError';
    this.status = status;
    this.outcome = outcome;
  }
}

export function issue(
  severity: OperationOutcomeIssue['severity'],
  code: IssueType,
  text: string,
  expression?: string[],
): OperationOutcomeIssue {
  const out: OperationOutcomeIssue = { severity, code, details: { text }, diagnostics: text };
  if (expression && expression.length > 0) out.expression = expression;
  return out;
}

export function outcome(...issues: OperationOutcomeIssue[]): OperationOutcome {
  return { resourceType: 'OperationOutcome', issue: issues };
}

export function allOk(text = 'All OK'): OperationOutcome {
  return outcome(issue('information', 'informational', text));
}

function fail(status: number, code: IssueType, text: string, expression?: string[]): OutcomeError {
  return new OutcomeError(status, outcome(issue('error', code, text, expression)));
}

export const badRequest = (text: string, expression?: string[]): OutcomeError =>
  fail(400, 'invalid', text, expression);
export const notFound = (text = 'Not found'): OutcomeError => fail(404, 'not-found', text);
/** The caller is known but its access does not allow the interaction. */
export const forbidden = (text: string): OutcomeError => fail(403, 'forbidden', text);
/** No valid credentials: the caller must authenticate (sent with a WWW-Authenticate header). */
export const unauthorized = (text: string): OutcomeError => fail(401, 'login', text);
export const gone = (text = 'Resource deleted'): OutcomeError => fail(410, 'deleted', text);
export const conflict = (text: string): OutcomeError => fail(409, 'conflict', text);
export const preconditionFailed = (text: string): OutcomeError => fail(412, 'conflict', text);
export const methodNotAllowed = (text: string): OutcomeError => fail(405, 'not-supported', text);
export const notSupported = (text: string): OutcomeError => fail(400, 'not-supported', text);
export const unprocessable = (text: string, expression?: string[]): OutcomeError =>
  fail(422, 'processing', text, expression);
export const tooLarge = (text: string): OutcomeError => fail(413, 'too-costly', text);
export const unsupportedMediaType = (text: string): OutcomeError => fail(415, 'not-supported', text);
export const notAcceptable = (text: string): OutcomeError => fail(406, 'not-supported', text);
export const serverError = (): OutcomeError => fail(500, 'exception', 'Internal server error');
/** A failure that says nothing about the request: the same request, sent again, can succeed. */
export const transient = (text: string): OutcomeError => fail(503, 'transient', text);

/** An OperationOutcome made of validation issues becomes a 400 (structure) or 422 (business rule). */
export function invalidResource(issues: OperationOutcomeIssue[], status = 400): OutcomeError {
  return new OutcomeError(status, outcome(...issues));
}

export function isOutcomeError(err: unknown): err is OutcomeError {
  return err instanceof OutcomeError;
}
