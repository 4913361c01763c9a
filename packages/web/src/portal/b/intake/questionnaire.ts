/**
 * A Questionnaire as a form, without React: which items show (enableWhen), what the answers
 * must satisfy (required, integer, min/max, max length), the QuestionnaireResponse a submission
 * posts (only the items that show, with the intake-appointment extension), and the server's
 * 422 issues placed on their items. Handles the item types the intake uses: string, text,
 * boolean, integer, decimal, choice (answerOption codings or strings) and display/group.
 */
import type { OperationOutcome, Questionnaire, QuestionnaireItem, QuestionnaireItemEnableWhen, QuestionnaireResponse, QuestionnaireResponseItem } from '@medplum/fhirtypes';

export const INTAKE_URL = 'https://continuum.dev/fhir/Questionnaire/pre-visit-intake';
export const INTAKE_APPOINTMENT_EXT = 'https://continuum.dev/fhir/StructureDefinition/intake-appointment';
const MIN_VALUE = 'http://hl7.org/fhir/StructureDefinition/minValue';
const MAX_VALUE = 'http://hl7.org/fhir/StructureDefinition/maxValue';

/** One answer as the form keeps it: a string, a number, a boolean, or a chosen option's key. */
export type AnswerValue = string | number | boolean;
export type Answers = Readonly<Record<string, AnswerValue | undefined>>;

/** Every item, groups flattened, in order. */
export function flatItems(items: readonly QuestionnaireItem[] | undefined): QuestionnaireItem[] {
  return (items ?? []).flatMap((i) => [i, ...flatItems(i.item)]);
}

/** The key a choice option is kept under in `Answers`: its code, or its string. */
export function optionKey(option: NonNullable<QuestionnaireItem['answerOption']>[number]): string {
  return option.valueCoding?.code ?? option.valueString ?? String(option.valueInteger ?? '');
}

export function optionLabel(option: NonNullable<QuestionnaireItem['answerOption']>[number]): string {
  return option.valueCoding?.display ?? option.valueCoding?.code ?? option.valueString ?? String(option.valueInteger ?? '');
}

function expected(when: QuestionnaireItemEnableWhen): AnswerValue | undefined {
  return when.answerBoolean ?? when.answerInteger ?? when.answerDecimal ?? when.answerCoding?.code ?? when.answerString ?? when.answerDate ?? when.answerDateTime;
}

function holds(when: QuestionnaireItemEnableWhen, answers: Answers): boolean {
  const actual = answers[when.question];
  const present = actual !== undefined && actual !== '';
  if (when.operator === 'exists') return present === (when.answerBoolean ?? true);
  if (!present) return when.operator === '!=';
  const want = expected(when);
  if (want === undefined) return false;
  if (when.operator === '=') return actual === want;
  if (when.operator === '!=') return actual !== want;
  // Ordering compares numbers with numbers and strings (dates) with strings only.
  const order = typeof actual === 'number' && typeof want === 'number' ? actual - want : typeof actual === 'string' && typeof want === 'string' ? actual.localeCompare(want) : undefined;
  if (order === undefined) return false;
  switch (when.operator) {
    case '>':
      return order > 0;
    case '<':
      return order < 0;
    case '>=':
      return order >= 0;
    case '<=':
      return order <= 0;
  }
}

/** Whether `item` shows, given the answers so far (no enableWhen: always). */
export function isEnabled(item: QuestionnaireItem, answers: Answers): boolean {
  const conditions = item.enableWhen ?? [];
  if (conditions.length === 0) return true;
  return item.enableBehavior === 'all' ? conditions.every((w) => holds(w, answers)) : conditions.some((w) => holds(w, answers));
}

function extensionNumber(item: QuestionnaireItem, url: string): number | undefined {
  const ext = item.extension?.find((e) => e.url === url);
  return ext?.valueInteger ?? ext?.valueDecimal;
}

/** The problem with one item's answer, if any (items that do not show are never wrong). */
export function itemError(item: QuestionnaireItem, answers: Answers): string | undefined {
  if (!isEnabled(item, answers) || item.type === 'display' || item.type === 'group') return undefined;
  const value = answers[item.linkId];
  if (value === undefined || value === '') return item.required ? 'Please answer this question.' : undefined;
  if (item.type === 'integer' || item.type === 'decimal') {
    if (typeof value !== 'number' || !Number.isFinite(value)) return 'Please enter a number.';
    if (item.type === 'integer' && !Number.isInteger(value)) return 'Please enter a whole number.';
    const min = extensionNumber(item, MIN_VALUE);
    const max = extensionNumber(item, MAX_VALUE);
    if (min !== undefined && value < min) return `Please enter ${min} or more.`;
    if (max !== undefined && value > max) return `Please enter ${max} or less.`;
  }
  if (typeof value === 'string' && item.maxLength !== undefined && value.length > item.maxLength) return `Please keep this under ${item.maxLength} characters.`;
  if (item.type === 'choice' && !(item.answerOption ?? []).some((o) => optionKey(o) === value)) return 'Please pick one of the options.';
  return undefined;
}

/** Every item's problem, by linkId (empty when the form can be sent). */
export function validate(questionnaire: Questionnaire, answers: Answers): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const item of flatItems(questionnaire.item)) {
    const error = itemError(item, answers);
    if (error) errors[item.linkId] = error;
  }
  return errors;
}

function answerOf(item: QuestionnaireItem, value: AnswerValue): NonNullable<QuestionnaireResponseItem['answer']>[number] | undefined {
  if (item.type === 'boolean') return { valueBoolean: value === true };
  if (item.type === 'integer') return { valueInteger: Number(value) };
  if (item.type === 'decimal') return { valueDecimal: Number(value) };
  if (item.type === 'choice') {
    const option = (item.answerOption ?? []).find((o) => optionKey(o) === value);
    if (!option) return undefined;
    return option.valueCoding ? { valueCoding: option.valueCoding } : option.valueString !== undefined ? { valueString: option.valueString } : { valueInteger: option.valueInteger ?? 0 };
  }
  return { valueString: String(value) };
}

function responseItems(items: readonly QuestionnaireItem[] | undefined, answers: Answers): QuestionnaireResponseItem[] {
  return (items ?? []).flatMap((item): QuestionnaireResponseItem[] => {
    if (!isEnabled(item, answers) || item.type === 'display') return [];
    if (item.type === 'group') {
      const children = responseItems(item.item, answers);
      return children.length > 0 ? [{ linkId: item.linkId, ...(item.text ? { text: item.text } : {}), item: children }] : [];
    }
    const value = answers[item.linkId];
    const answer = value === undefined || value === '' ? undefined : answerOf(item, value);
    return answer ? [{ linkId: item.linkId, ...(item.text ? { text: item.text } : {}), answer: [answer] }] : [];
  });
}

export interface ResponseContext {
  questionnaireUrl: string;
  patientId: string;
  /** The signed-in user's fhirUser (`Patient/..` or `RelatedPerson/..`). */
  author: string;
  appointmentId: string;
  now: Date;
}

/** The completed QuestionnaireResponse for the answers: the items that show, answered. */
export function buildResponse(questionnaire: Questionnaire, answers: Answers, ctx: ResponseContext): QuestionnaireResponse {
  return {
    resourceType: 'QuestionnaireResponse',
    extension: [{ url: INTAKE_APPOINTMENT_EXT, valueReference: { reference: `Appointment/${ctx.appointmentId}` } }],
    questionnaire: ctx.questionnaireUrl,
    status: 'completed',
    subject: { reference: `Patient/${ctx.patientId}` },
    author: { reference: ctx.author },
    authored: ctx.now.toISOString(),
    item: responseItems(questionnaire.item, answers),
  };
}

/** The appointments that already have an intake form among `responses`. */
export function appointmentsWithIntake(responses: readonly QuestionnaireResponse[]): Set<string> {
  const ids = responses
    .filter((r) => r.status === 'completed' || r.status === 'amended')
    .flatMap((r) => r.extension ?? [])
    .filter((e) => e.url === INTAKE_APPOINTMENT_EXT)
    .map((e) => e.valueReference?.reference?.replace(/^Appointment\//, ''));
  return new Set(ids.filter((id): id is string => Boolean(id)));
}

/**
 * The server's issues by the item they are about (an issue's expression or location naming a
 * linkId: `item.where(linkId='pain')`, `QuestionnaireResponse.item[linkId='pain']`, or the bare
 * linkId); issues about no known item come back under `''`.
 */
export function issuesByItem(outcome: OperationOutcome | undefined, linkIds: readonly string[]): Record<string, string> {
  const result: Record<string, string> = {};
  for (const issue of outcome?.issue ?? []) {
    const text = issue.diagnostics ?? issue.details?.text ?? 'This answer was not accepted.';
    const paths = [...(issue.expression ?? []), ...(issue.location ?? [])];
    const named = paths.map((p) => /linkId\s*=\s*['"]([^'"]+)['"]/.exec(p)?.[1] ?? (linkIds.includes(p) ? p : undefined)).find((id) => id !== undefined);
    const linkId = named ?? linkIds.find((id) => new RegExp(`['"]${id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}['"]`).test(text)) ?? '';
    result[linkId] = result[linkId] ? `${result[linkId]} ${text}` : text;
  }
  return result;
}
