/**
 * The registration form's fields, in the order a front desk asks for them: names, birth and sex,
 * the USCDI demographics, how to reach the patient, who to call in an emergency, the MRN and the
 * insurance. Every control has a visible label and shows its own error; it holds no state.
 */
import { useState, type ComponentProps } from 'react';
import { Checkbox, Fieldset, Group, NativeSelect, SimpleGrid, Stack, TextInput } from '@mantine/core';
import type { Organization } from '@medplum/fhirtypes';
import type { Field, FormErrors, RegistrationForm } from './registration-form.ts';
import { ADMINISTRATIVE_SEXES, ETHNICITIES, GENDER_IDENTITIES, LANGUAGES, RACE_DECLINED, RACES } from './vocab.ts';

export const fieldId = (field: Field): string => `reg-${field}`;
const OTHER_PAYOR = '__other';

interface Props {
  form: RegistrationForm;
  errors: FormErrors;
  set: <F extends Field>(field: F, value: RegistrationForm[F]) => void;
  payors: Organization[] | undefined;
}

export function RegistrationFields({ form, errors, set, payors }: Props) {
  const text = (field: Exclude<Field, 'race' | 'phoneUse'>, label: string, extra: Partial<ComponentProps<typeof TextInput>> = {}) => (
    <TextInput id={fieldId(field)} label={label} value={form[field]} error={errors[field]} onChange={(e) => set(field, e.currentTarget.value)} {...extra} />
  );
  const options = (list: readonly { code: string; label: string }[], none: string) => [{ value: '', label: none }, ...list.map((c) => ({ value: c.code, label: c.label }))];
  const [other, setOther] = useState(false);
  const payorChoice = other ? OTHER_PAYOR : form.payorId;
  const pickPayor = (value: string) => {
    const org = payors?.find((o) => o.id === value);
    setOther(value === OTHER_PAYOR);
    set('payorId', org?.id ?? '');
    set('payorName', org?.name ?? '');
  };
  return (
    <Stack gap="md">
      <Fieldset legend="Name">
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          {text('given', 'Legal first name', { withAsterisk: true, autoComplete: 'off', autoFocus: true, description: 'As on the ID; middle names after a space' })}
          {text('family', 'Legal last name', { withAsterisk: true, autoComplete: 'off' })}
          {text('preferredName', 'Preferred name', { autoComplete: 'off', description: 'What the patient likes to be called' })}
        </SimpleGrid>
      </Fieldset>
      <Fieldset legend="Birth, sex and identity">
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          {text('birthDate', 'Birth date', { withAsterisk: true, type: 'date', max: new Date().toISOString().slice(0, 10) })}
          <NativeSelect id={fieldId('sex')} label="Administrative sex" withAsterisk value={form.sex} error={errors.sex} onChange={(e) => set('sex', e.currentTarget.value)}
            data={[{ value: '', label: 'Choose…' }, ...ADMINISTRATIVE_SEXES]} />
          <NativeSelect id={fieldId('genderIdentity')} label="Gender identity" value={form.genderIdentity} onChange={(e) => set('genderIdentity', e.currentTarget.value)} data={options(GENDER_IDENTITIES, 'Not asked')} />
        </SimpleGrid>
        <Checkbox.Group id={fieldId('race')} label="Race" description="Choose all that apply" value={form.race} error={errors.race} onChange={(v) => set('race', v)} mt="md">
          <Group mt="xs" gap="md">
            {[...RACES, RACE_DECLINED].map((r) => <Checkbox key={r.code} value={r.code} label={r.label} />)}
          </Group>
        </Checkbox.Group>
        <SimpleGrid cols={{ base: 1, sm: 3 }} mt="md">
          <NativeSelect id={fieldId('ethnicity')} label="Ethnicity" value={form.ethnicity} onChange={(e) => set('ethnicity', e.currentTarget.value)} data={options(ETHNICITIES, 'Not asked')} />
          <NativeSelect id={fieldId('language')} label="Preferred language" value={form.language} onChange={(e) => set('language', e.currentTarget.value)} data={options(LANGUAGES, 'Not asked')} />
        </SimpleGrid>
      </Fieldset>
      <Fieldset legend="Contact">
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          {text('phone', 'Phone', { type: 'tel', autoComplete: 'off', placeholder: '(555) 123-4567' })}
          <NativeSelect id={fieldId('phoneUse')} label="Phone type" value={form.phoneUse} onChange={(e) => set('phoneUse', e.currentTarget.value as RegistrationForm['phoneUse'])}
            data={[{ value: 'mobile', label: 'Mobile' }, { value: 'home', label: 'Home' }, { value: 'work', label: 'Work' }]} />
          {text('email', 'Email', { type: 'email', autoComplete: 'off' })}
        </SimpleGrid>
        <SimpleGrid cols={{ base: 1, sm: 4 }} mt="md">
          {text('line', 'Street address', { autoComplete: 'off' })}
          {text('city', 'City', { autoComplete: 'off' })}
          {text('state', 'State', { autoComplete: 'off', maxLength: 2, placeholder: 'OR' })}
          {text('postalCode', 'ZIP code', { autoComplete: 'off', inputMode: 'numeric' })}
        </SimpleGrid>
      </Fieldset>
      <Fieldset legend="Emergency contact">
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          {text('emergencyName', 'Emergency contact name', { autoComplete: 'off' })}
          {text('emergencyRelationship', 'Relationship to patient', { autoComplete: 'off', placeholder: 'e.g. Spouse' })}
          {text('emergencyPhone', 'Emergency contact phone', { type: 'tel', autoComplete: 'off' })}
        </SimpleGrid>
      </Fieldset>
      <Fieldset legend="Record and insurance">
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          {text('mrn', 'MRN', { autoComplete: 'off', spellCheck: false, placeholder: 'Assigned on save', description: 'Leave blank to get the next number, or enter an existing one' })}
          {payors && payors.length > 0 ? (
            <NativeSelect id={fieldId('payorId')} label="Insurance company" value={payorChoice} error={payorChoice === OTHER_PAYOR ? undefined : errors.payorName} onChange={(e) => pickPayor(e.currentTarget.value)}
              data={[{ value: '', label: 'None (self-pay)' }, ...payors.map((o) => ({ value: o.id ?? '', label: o.name ?? o.id ?? '' })), { value: OTHER_PAYOR, label: 'Other…' }]} />
          ) : null}
          {(!payors || payors.length === 0 || payorChoice === OTHER_PAYOR) &&
            text('payorName', payors && payors.length > 0 ? 'Other insurance company' : 'Insurance company', { autoComplete: 'off' })}
          {text('memberId', 'Member id', { autoComplete: 'off', spellCheck: false })}
        </SimpleGrid>
      </Fieldset>
    </Stack>
  );
}
