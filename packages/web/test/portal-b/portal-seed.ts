/**
 * The synthetic record the portal pages' Chromium test starts from, dated relative to now: a
 * patient with a PCP and a care team, two bookable schedules with free and busy slots, a visit
 * soon (inside the cancellation window), one in five days, a past one, the pre-visit Questionnaire,
 * two message threads (one unread reply), two invoices (one paid), record items and a denied
 * amendment request. All names are made up.
 */
import type { Resource, Slot } from '@medplum/fhirtypes';
import { INTAKE_URL } from '../../src/portal/b/intake/questionnaire.ts';

export const PATIENT = 'p1';
const HOUR = 3_600_000;
const TYPE = 'urn:continuum:appointment-type';
const LOINC = 'http://loinc.org';
const subject = { reference: `Patient/${PATIENT}` };

/** The UTC midnight `days` from today, plus `hours`. */
export const dayAt = (days: number, hours: number): string => {
  const d = new Date();
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + days) + hours * HOUR).toISOString();
};

function slots(schedule: string, busy: ReadonlySet<string>): Slot[] {
  return [2, 3, 4, 5, 6].flatMap((day) =>
    [14, 14 + 1 / 3, 14 + 2 / 3].map((h, i): Slot => {
      const start = dayAt(day, h);
      return { resourceType: 'Slot', id: `${schedule}-d${day}-${i}`, schedule: { reference: `Schedule/${schedule}` }, status: busy.has(`d${day}-${i}`) ? 'busy' : 'free', start, end: new Date(Date.parse(start) + 20 * 60_000).toISOString() };
    }),
  );
}

export function portalSeed(): Resource[] {
  const now = Date.now();
  return [
    { resourceType: 'Patient', id: PATIENT, name: [{ given: ['Maria'], family: 'Lopez' }], generalPractitioner: [{ reference: 'Practitioner/doc1' }] },
    { resourceType: 'Practitioner', id: 'doc1', name: [{ given: ['Ana'], family: 'Ruiz' }] },
    { resourceType: 'Practitioner', id: 'doc2', name: [{ given: ['Ben'], family: 'Okafor' }] },
    { resourceType: 'Location', id: 'loc1', name: 'Main Street Clinic' },
    { resourceType: 'CareTeam', id: 'ct1', status: 'active', subject, participant: [{ member: { reference: 'Practitioner/doc1' } }, { member: { reference: 'Practitioner/doc2' } }] },
    {
      resourceType: 'Schedule',
      id: 's1',
      active: true,
      actor: [{ reference: 'Practitioner/doc1' }, { reference: 'Location/loc1' }],
      serviceType: [{ coding: [{ system: TYPE, code: 'follow-up', display: 'Follow-up visit' }] }, { coding: [{ system: TYPE, code: 'sick-visit', display: 'Sick visit' }] }],
    },
    { resourceType: 'Schedule', id: 's2', active: true, actor: [{ reference: 'Practitioner/doc2' }, { reference: 'Location/loc1' }], serviceType: [{ coding: [{ system: TYPE, code: 'annual-physical', display: 'Annual physical' }] }] },
    ...slots('s1', new Set(['d2-0'])),
    ...slots('s2', new Set()),
    {
      resourceType: 'Appointment',
      id: 'a-soon',
      status: 'booked',
      start: new Date(now + 10 * HOUR).toISOString(),
      end: new Date(now + 10 * HOUR + 20 * 60_000).toISOString(),
      appointmentType: { coding: [{ system: TYPE, code: 'sick-visit', display: 'Sick visit' }] },
      participant: [{ actor: subject, status: 'accepted' }, { actor: { reference: 'Practitioner/doc1' }, status: 'accepted' }, { actor: { reference: 'Location/loc1' }, status: 'accepted' }],
    },
    {
      resourceType: 'Appointment',
      id: 'a-later',
      status: 'booked',
      start: dayAt(5, 16),
      end: dayAt(5, 16 + 1 / 3),
      appointmentType: { coding: [{ system: TYPE, code: 'follow-up', display: 'Follow-up visit' }] },
      reasonCode: [{ text: 'Knee pain' }],
      participant: [{ actor: subject, status: 'accepted' }, { actor: { reference: 'Practitioner/doc1' }, status: 'accepted' }],
    },
    {
      resourceType: 'Appointment',
      id: 'a-past',
      status: 'fulfilled',
      start: dayAt(-30, 15),
      end: dayAt(-30, 15 + 1 / 3),
      appointmentType: { coding: [{ system: TYPE, code: 'annual-physical', display: 'Annual physical' }] },
      participant: [{ actor: subject, status: 'accepted' }, { actor: { reference: 'Practitioner/doc2' }, status: 'accepted' }],
    },
    {
      resourceType: 'Questionnaire',
      id: 'pre-visit-intake',
      url: INTAKE_URL,
      status: 'active',
      title: 'Pre-visit intake',
      item: [
        { linkId: 'reason', type: 'text', text: 'What is the main reason for your visit?', required: true },
        { linkId: 'medication-changes', type: 'boolean', text: 'Have your medications changed since your last visit?' },
        { linkId: 'medication-changes-detail', type: 'text', text: 'Which medications changed?', required: true, enableWhen: [{ question: 'medication-changes', operator: '=', answerBoolean: true }] },
        { linkId: 'pain', type: 'integer', text: 'Pain today, from 0 (none) to 10 (worst)' },
        {
          linkId: 'phq2-1',
          type: 'choice',
          text: 'Over the last 2 weeks, how often have you had little interest or pleasure in doing things?',
          answerOption: [
            { valueCoding: { system: LOINC, code: 'LA6568-5', display: 'Not at all' } },
            { valueCoding: { system: LOINC, code: 'LA6569-3', display: 'Several days' } },
            { valueCoding: { system: LOINC, code: 'LA6570-1', display: 'More than half the days' } },
            { valueCoding: { system: LOINC, code: 'LA6571-9', display: 'Nearly every day' } },
          ],
        },
        { linkId: 'pharmacy', type: 'string', text: 'Preferred pharmacy' },
      ],
    },
    {
      resourceType: 'Communication',
      id: 'c1',
      status: 'completed',
      subject,
      topic: { text: 'Knee pain question' },
      sender: subject,
      recipient: [{ reference: 'Practitioner/doc1' }],
      sent: dayAt(-2, 9),
      received: dayAt(-2, 10.7),
      payload: [{ contentString: 'My knee hurts when I climb stairs. Should I come in?' }],
    },
    {
      resourceType: 'Communication',
      id: 'c2',
      status: 'completed',
      subject,
      sender: { reference: 'Practitioner/doc1' },
      recipient: [subject],
      partOf: [{ reference: 'Communication/c1' }],
      inResponseTo: [{ reference: 'Communication/c1' }],
      sent: dayAt(-1, 11),
      payload: [{ contentString: 'Please book a follow-up visit and rest the knee until then.' }],
    },
    {
      resourceType: 'Communication',
      id: 'c3',
      status: 'completed',
      subject,
      topic: { text: 'Flu shot reminder' },
      sender: { reference: 'Practitioner/doc2' },
      recipient: [subject],
      sent: dayAt(-20, 9),
      received: dayAt(-19, 9),
      payload: [{ contentString: 'Flu shots are available at the front desk.' }],
    },
    {
      resourceType: 'Invoice',
      id: 'inv1',
      status: 'issued',
      subject,
      date: dayAt(-20, 12),
      totalGross: { value: 125, currency: 'USD' },
      lineItem: [
        { chargeItemCodeableConcept: { text: 'Office visit', coding: [{ system: 'http://www.ama-assn.org/go/cpt', code: '99213', display: 'Office visit' }] }, priceComponent: [{ type: 'base', amount: { value: 100, currency: 'USD' } }] },
        { chargeItemCodeableConcept: { text: 'Blood draw', coding: [{ system: 'http://www.ama-assn.org/go/cpt', code: '36415', display: 'Blood draw' }] }, priceComponent: [{ type: 'base', amount: { value: 25, currency: 'USD' } }] },
      ],
    },
    {
      resourceType: 'Invoice',
      id: 'inv2',
      status: 'balanced',
      subject,
      date: dayAt(-60, 12),
      totalGross: { value: 40, currency: 'USD' },
      lineItem: [{ chargeItemCodeableConcept: { text: 'Annual physical', coding: [{ system: 'http://www.ama-assn.org/go/cpt', code: '99396' }] }, priceComponent: [{ type: 'base', amount: { value: 40, currency: 'USD' } }] }],
    },
    { resourceType: 'PaymentReconciliation', id: 'pr1', status: 'active', created: dayAt(-55, 12), paymentDate: dayAt(-55, 12).slice(0, 10), paymentAmount: { value: 40, currency: 'USD' }, request: { reference: 'Invoice/inv2' }, disposition: 'Visa ending 1111' },
    { resourceType: 'Condition', id: 'cond1', subject, code: { text: 'Hypertension' } },
    { resourceType: 'MedicationRequest', id: 'med1', status: 'active', intent: 'order', subject, medicationCodeableConcept: { text: 'Lisinopril 10 mg tablet' } },
    { resourceType: 'AllergyIntolerance', id: 'al1', patient: subject, code: { text: 'Penicillin' } },
    {
      resourceType: 'Task',
      id: 't-old',
      status: 'rejected',
      intent: 'order',
      code: { coding: [{ system: 'urn:continuum:task-code', code: 'amendment-request' }] },
      for: subject,
      authoredOn: dayAt(-90, 12),
      input: [{ type: { text: 'text' }, valueString: 'My cholesterol result from March is wrong.' }],
      businessStatus: { text: 'Denied' },
      statusReason: { text: 'The value matches the laboratory report.' },
    },
  ];
}
