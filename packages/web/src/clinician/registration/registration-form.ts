/**
 * What staff type into the registration form, as plain strings, and the checks it must pass
 * before anything is sent: the required demographics, date and contact formats, the MRN's shape,
 * and the groups that only make sense whole (an emergency contact needs a name and a phone; an
 * insurance needs a payer and a member id). Pure: no React, no I/O.
 */
export interface RegistrationForm {
  given: string;
  family: string;
  preferredName: string;
  birthDate: string;
  sex: string;
  genderIdentity: string;
  /** OMB race category codes, or just `ASKU` when the patient declined. */
  race: string[];
  ethnicity: string;
  language: string;
  mrn: string;
  line: string;
  city: string;
  state: string;
  postalCode: string;
  phone: string;
  phoneUse: 'mobile' | 'home' | 'work';
  email: string;
  emergencyName: string;
  emergencyRelationship: string;
  emergencyPhone: string;
  /** The insurer's Organization id, when picked from the directory. */
  payorId: string;
  /** The insurer's name: the picked Organization's, or typed when it is not in the directory. */
  payorName: string;
  memberId: string;
}

export type Field = keyof RegistrationForm;
export type FormErrors = Partial<Record<Field, string>>;

export const EMPTY_FORM: RegistrationForm = {
  given: '', family: '', preferredName: '', birthDate: '', sex: '', genderIdentity: '', race: [], ethnicity: '', language: 'en', mrn: '',
  line: '', city: '', state: '', postalCode: '', phone: '', phoneUse: 'mobile', email: '',
  emergencyName: '', emergencyRelationship: '', emergencyPhone: '', payorId: '', payorName: '', memberId: '',
};

/** Letters, digits and hyphens, 4 to 20 of them, with a digit: what the patient search reads as an MRN. */
export const MRN_PATTERN = /^(?=.*\d)[A-Za-z0-9-]{4,20}$/;

/** Ten digits (a leading US 1 allowed), written as `(555) 123-4567`; undefined when it is not a phone. */
export function normalPhone(input: string): string | undefined {
  let digits = input.replace(/\D/g, '');
  if (digits.length === 11 && digits.startsWith('1')) digits = digits.slice(1);
  if (digits.length !== 10 || /[^\d\s().+-]/.test(input)) return undefined;
  return `(${digits.slice(0, 3)}) ${digits.slice(3, 6)}-${digits.slice(6)}`;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function birthDateError(value: string, today: string): string | undefined {
  if (!value) return 'Enter the birth date';
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(new Date(`${value}T00:00:00Z`).getTime())) return 'Enter the birth date as YYYY-MM-DD';
  if (value > today) return 'The birth date cannot be in the future';
  if (value < '1890-01-01') return 'Check the birth year';
  return undefined;
}

/** Every problem with the form, by field; empty when it can be sent. `today` is YYYY-MM-DD. */
export function validate(form: RegistrationForm, today: string): FormErrors {
  const errors: FormErrors = {};
  const t = (s: string) => s.trim();
  if (!t(form.given)) errors.given = 'Enter the legal first name';
  if (!t(form.family)) errors.family = 'Enter the legal last name';
  const bd = birthDateError(t(form.birthDate), today);
  if (bd) errors.birthDate = bd;
  if (!form.sex) errors.sex = 'Choose the administrative sex';
  // Blank is fine: the server assigns the next MRN on save.
  if (t(form.mrn) && !MRN_PATTERN.test(t(form.mrn))) errors.mrn = 'An MRN is 4 to 20 letters, digits or hyphens, with at least one digit';
  if (form.race.includes('ASKU') && form.race.length > 1) errors.race = 'Choose races, or that the patient declined, not both';
  if (t(form.phone) && !normalPhone(form.phone)) errors.phone = 'Enter a 10-digit phone number';
  if (t(form.email) && !EMAIL.test(t(form.email))) errors.email = 'Enter an email address like name@example.com';
  if (t(form.postalCode) && !/^\d{5}(-\d{4})?$/.test(t(form.postalCode))) errors.postalCode = 'Enter a 5-digit ZIP code';
  if (t(form.state) && !/^[A-Za-z]{2}$/.test(t(form.state))) errors.state = 'Enter the 2-letter state code';
  const emergency = [form.emergencyName, form.emergencyRelationship, form.emergencyPhone].some((s) => t(s));
  if (emergency && !t(form.emergencyName)) errors.emergencyName = "Enter the emergency contact's name";
  if (emergency && !t(form.emergencyPhone)) errors.emergencyPhone = "Enter the emergency contact's phone";
  else if (t(form.emergencyPhone) && !normalPhone(form.emergencyPhone)) errors.emergencyPhone = 'Enter a 10-digit phone number';
  const insured = Boolean(t(form.payorName) || form.payorId || t(form.memberId));
  if (insured && !t(form.payorName) && !form.payorId) errors.payorName = 'Choose or enter the insurance company';
  if (insured && !t(form.memberId)) errors.memberId = 'Enter the member id from the insurance card';
  return errors;
}
