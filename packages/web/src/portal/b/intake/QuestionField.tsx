/**
 * One Questionnaire item as a form field, chosen by its type: a text box (string), a text area
 * (text), Yes/No radios (boolean), a number box (integer, decimal), radios for a choice; display
 * items as text. Its error (client check or the server's 422 issue) shows under it.
 */
import { NumberInput, Radio, Stack, Text, Textarea, TextInput } from '@mantine/core';
import type { QuestionnaireItem } from '@medplum/fhirtypes';
import { optionKey, optionLabel, type AnswerValue } from './questionnaire.ts';

export interface QuestionFieldProps {
  item: QuestionnaireItem;
  value: AnswerValue | undefined;
  error: string | undefined;
  onChange: (value: AnswerValue | undefined) => void;
}

export function QuestionField({ item, value, error, onChange }: QuestionFieldProps) {
  const label = item.text ?? item.linkId;
  const common = { label, required: item.required ?? false, error, 'data-link-id': item.linkId };
  if (item.type === 'display') return <Text>{label}</Text>;
  if (item.type === 'text') return <Textarea {...common} autosize minRows={3} value={typeof value === 'string' ? value : ''} onChange={(e) => onChange(e.currentTarget.value)} />;
  if (item.type === 'boolean') {
    return (
      <Radio.Group {...common} value={value === undefined ? null : value ? 'yes' : 'no'} onChange={(v) => onChange(v === 'yes')}>
        <Stack gap={6} mt={6}>
          <Radio value="yes" label="Yes" />
          <Radio value="no" label="No" />
        </Stack>
      </Radio.Group>
    );
  }
  if (item.type === 'integer' || item.type === 'decimal') {
    return (
      <NumberInput
        {...common}
        value={typeof value === 'number' ? value : ''}
        allowDecimal={item.type === 'decimal'}
        onChange={(v) => onChange(v === '' ? undefined : typeof v === 'number' ? v : Number(v))}
        inputMode={item.type === 'decimal' ? 'decimal' : 'numeric'}
      />
    );
  }
  if (item.type === 'choice') {
    return (
      <Radio.Group {...common} value={typeof value === 'string' ? value : null} onChange={(v) => onChange(v)}>
        <Stack gap={6} mt={6}>
          {(item.answerOption ?? []).map((o) => (
            <Radio key={optionKey(o)} value={optionKey(o)} label={optionLabel(o)} />
          ))}
        </Stack>
      </Radio.Group>
    );
  }
  return <TextInput {...common} value={typeof value === 'string' ? value : ''} onChange={(e) => onChange(e.currentTarget.value)} />;
}
