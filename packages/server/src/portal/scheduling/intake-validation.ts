/**
 * Checks a QuestionnaireResponse's answers against its Questionnaire (flat forms like the intake
 * form): every answered linkId exists, each answer has the item's type, a choice is one of the
 * item's options, an integer lies within its minValue/maxValue, a non-repeating item has one
 * answer, an item whose enableWhen does not hold is not answered, and once `completed` every
 * enabled required item is answered. Answers the problems as OperationOutcome issues (empty when
 * valid); it does no I/O, so the intake companion and its tests share it.
 */
import type {
  OperationOutcomeIssue,
  Questionnaire,
  QuestionnaireItem,
  QuestionnaireItemEnableWhen,
  QuestionnaireResponse,
  QuestionnaireResponseItemAnswer,
} from '@medplum/fhirtypes';
import { RANGE_EXTENSIONS } from './intake-questionnaire.ts';

type Answers = ReadonlyMap<string, readonly QuestionnaireResponseItemAnswer[]>;

const problem = (text: string, linkId?: string): OperationOutcomeIssue => ({
  severity: 'error',
  code: 'invalid',
  diagnostics: text,
  ...(linkId ? { expression: [`QuestionnaireResponse.item.where(linkId='${linkId}')`] } : {}),
});

/** The value[x] each item type takes. */
const VALUE_KEY: Partial<Record<QuestionnaireItem['type'], keyof QuestionnaireResponseItemAnswer>> = {
  boolean: 'valueBoolean',
  integer: 'valueInteger',
  decimal: 'valueDecimal',
  string: 'valueString',
  text: 'valueString',
  choice: 'valueCoding',
  date: 'valueDate',
  dateTime: 'valueDateTime',
};

function enabled(item: QuestionnaireItem, answers: Answers): boolean {
  const conditions = item.enableWhen ?? [];
  if (conditions.length === 0) return true;
  const holds = (c: QuestionnaireItemEnableWhen): boolean => {
    const given = answers.get(c.question) ?? [];
    if (c.operator === 'exists') return (given.length > 0) === c.answerBoolean;
    return given.some((a) => {
      if (c.answerBoolean !== undefined) return a.valueBoolean === c.answerBoolean;
      if (c.answerCoding) return a.valueCoding?.system === c.answerCoding.system && a.valueCoding?.code === c.answerCoding.code;
      if (c.answerString !== undefined) return a.valueString === c.answerString;
      if (c.answerInteger !== undefined) return a.valueInteger === c.answerInteger;
      return false;
    }) === (c.operator === '=');
  };
  return item.enableBehavior === 'any' ? conditions.some(holds) : conditions.every(holds);
}

function rangeValue(item: QuestionnaireItem, url: string): number | undefined {
  return item.extension?.find((e) => e.url === url)?.valueInteger;
}

function answerProblems(item: QuestionnaireItem, answer: QuestionnaireResponseItemAnswer): OperationOutcomeIssue[] {
  const key = VALUE_KEY[item.type];
  const label = `'${item.linkId}' (${item.text ?? item.linkId})`;
  const given = Object.keys(answer).filter((k) => k.startsWith('value'));
  if (!key || given.length !== 1 || given[0] !== key) return [problem(`The answer to ${label} must be of type ${item.type} (${key ?? 'not answerable'})`, item.linkId)];
  if (item.type === 'choice') {
    const coding = answer.valueCoding!;
    const known = (item.answerOption ?? []).some((o) => o.valueCoding?.system === coding.system && o.valueCoding?.code === coding.code);
    if (!known) return [problem(`The answer to ${label} is not one of its options`, item.linkId)];
  }
  if (item.type === 'integer') {
    const value = answer.valueInteger!;
    const min = rangeValue(item, RANGE_EXTENSIONS.min);
    const max = rangeValue(item, RANGE_EXTENSIONS.max);
    if ((min !== undefined && value < min) || (max !== undefined && value > max)) {
      return [problem(`The answer to ${label} must be between ${min ?? '-∞'} and ${max ?? '∞'} (got ${value})`, item.linkId)];
    }
  }
  if ((item.type === 'text' || item.type === 'string') && answer.valueString!.trim() === '') {
    return [problem(`The answer to ${label} is empty`, item.linkId)];
  }
  return [];
}

export function intakeProblems(questionnaire: Questionnaire, response: QuestionnaireResponse): OperationOutcomeIssue[] {
  const items = new Map((questionnaire.item ?? []).map((i) => [i.linkId, i]));
  const answers = new Map<string, QuestionnaireResponseItemAnswer[]>();
  const out: OperationOutcomeIssue[] = [];
  for (const given of response.item ?? []) {
    if (!items.has(given.linkId)) out.push(problem(`'${given.linkId}' is not a question of this form`, given.linkId));
    else if (answers.has(given.linkId)) out.push(problem(`'${given.linkId}' is answered twice`, given.linkId));
    else answers.set(given.linkId, given.answer ?? []);
  }
  for (const [linkId, given] of answers) {
    const item = items.get(linkId)!;
    if (given.length > 1 && !item.repeats) out.push(problem(`'${linkId}' takes one answer`, linkId));
    if (given.length > 0 && !enabled(item, answers)) out.push(problem(`'${linkId}' does not apply given the other answers, and must not be answered`, linkId));
    for (const answer of given) out.push(...answerProblems(item, answer));
  }
  if (response.status === 'completed' || response.status === 'amended') {
    for (const item of items.values()) {
      if (item.required && enabled(item, answers) && (answers.get(item.linkId) ?? []).length === 0) {
        out.push(problem(`'${item.linkId}' (${item.text ?? item.linkId}) is required`, item.linkId));
      }
    }
  }
  return out;
}
