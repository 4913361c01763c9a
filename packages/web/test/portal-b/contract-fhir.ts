/**
 * The portal's FHIR API as the contract (prompts' contract.md, issue 8) defines it for the pages
 * under test, held in memory, for the Chromium test of these pages before the server parts
 * (P-sched, P-msg) are merged: plain searches with the `_include`s the pages ask for, and the
 * operations with their rules: `$book` (409 on a taken slot), `$cancel` (422 inside the
 * cancellation window), `$reschedule`, `$booking-policy`, intake QuestionnaireResponse checks
 * (422 per item), `$message`, `$mark-read` (recipients only), `$statement`, `$pay` (Luhn,
 * 4000000000000002 declines with 402, idempotency keys) and `$request-amendment`.
 * Everything the pages send is recorded for the test to check.
 */
import type { Appointment, Bundle, CareTeam, Coding, Communication, Invoice, OperationOutcome, Parameters, ParametersParameter, PaymentReconciliation, Questionnaire, QuestionnaireResponse, Resource, Schedule, Slot, Task } from '@medplum/fhirtypes';
import type { FhirAnswer, FhirHandler } from '../components/harness.ts';

const HOUR = 3_600_000;
const outcome = (status: number, text: string, expression?: string): FhirAnswer => ({
  status,
  body: { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: status === 422 ? 'business-rule' : 'invalid', diagnostics: text, ...(expression ? { expression: [expression] } : {}) }] } satisfies OperationOutcome,
});
const part = (p: Parameters, name: string): ParametersParameter | undefined => p.parameter?.find((x) => x.name === name);
const luhn = (digits: string) => /^\d{12,19}$/.test(digits) && [...digits].reverse().reduce((sum, c, i) => sum + (i % 2 ? (Number(c) * 2 > 9 ? Number(c) * 2 - 9 : Number(c) * 2) : Number(c)), 0) % 10 === 0;

export interface ContractFhir {
  handler: FhirHandler;
  /** Every resource, by `Type/id`. */
  store: Map<string, Resource>;
  /** The policy `$booking-policy` answers and the operations apply (the test may change it). */
  policy: { cancelHours: number; bookAheadDays: number; minNoticeHours: number };
  /** Each POST: its path and parsed body. */
  posts: { path: string; body: unknown }[];
  /** Charges made, one per distinct idempotency key. */
  charges: { key: string; amount: number; last4: string }[];
  all: <T extends Resource>(type: T['resourceType']) => T[];
}

export function contractFhir(seed: readonly Resource[], patientId: string, fhirUser: string): ContractFhir {
  const store = new Map(seed.map((r) => [`${r.resourceType}/${r.id}`, structuredClone(r)]));
  const policy = { cancelHours: 24, bookAheadDays: 60, minNoticeHours: 2 };
  const posts: ContractFhir['posts'] = [];
  const charges: ContractFhir['charges'] = [];
  const payResults = new Map<string, FhirAnswer>();
  let nextId = 1;
  const put = <T extends Resource>(r: T): T => {
    const saved = { ...r, id: r.id ?? `n${nextId++}`, meta: { versionId: String(nextId++), lastUpdated: new Date().toISOString() } } as T;
    store.set(`${saved.resourceType}/${saved.id}`, saved);
    return saved;
  };
  const all = <T extends Resource>(type: T['resourceType']) => [...store.values()].filter((r): r is T => r.resourceType === type);
  const get = <T extends Resource>(ref: string | undefined) => (ref ? (store.get(ref) as T | undefined) : undefined);
  const mine = (subject: string | undefined) => subject === `Patient/${patientId}`;

  const bundle = (matches: Resource[], includes: Resource[] = []): FhirAnswer => ({
    status: 200,
    body: {
      resourceType: 'Bundle',
      type: 'searchset',
      total: matches.length,
      entry: [...matches.map((resource) => ({ resource, search: { mode: 'match' as const } })), ...includes.map((resource) => ({ resource, search: { mode: 'include' as const } }))],
    } satisfies Bundle,
  });
  const included = (refs: ReadonlyArray<string | undefined>) => [...new Set(refs)].map((r) => get(r)).filter((r): r is Resource => r !== undefined);

  const search = (type: string, q: URLSearchParams): FhirAnswer => {
    switch (type) {
      case 'Appointment': {
        if (q.get('patient') !== `Patient/${patientId}`) return outcome(403, 'Only your own appointments');
        const list = all<Appointment>('Appointment').filter((a) => a.participant.some((p) => p.actor?.reference === `Patient/${patientId}`));
        return bundle(list, q.get('_include') === 'Appointment:actor' ? included(list.flatMap((a) => a.participant.map((p) => p.actor?.reference))).filter((r) => r.resourceType !== 'Patient') : []);
      }
      case 'Schedule': {
        const list = all<Schedule>('Schedule').filter((s) => s.active);
        return bundle(list, q.get('_include') === 'Schedule:actor' ? included(list.flatMap((s) => s.actor.map((a) => a.reference))) : []);
      }
      case 'Slot': {
        const starts = q.getAll('start');
        const ge = Date.parse(starts.find((s) => s.startsWith('ge'))?.slice(2) ?? '');
        const lt = Date.parse(starts.find((s) => s.startsWith('lt'))?.slice(2) ?? '');
        const list = all<Slot>('Slot')
          .filter((s) => s.schedule.reference === q.get('schedule') && s.status === q.get('status') && Date.parse(s.start) >= ge && Date.parse(s.start) < lt)
          .sort((a, b) => a.start.localeCompare(b.start));
        return bundle(list);
      }
      case 'Questionnaire':
        return bundle(all<Questionnaire>('Questionnaire').filter((x) => x.url === q.get('url')));
      case 'QuestionnaireResponse':
        return bundle(all<QuestionnaireResponse>('QuestionnaireResponse').filter((r) => mine(r.subject?.reference) && (!q.get('questionnaire') || r.questionnaire === q.get('questionnaire'))));
      case 'Communication': {
        if (q.get('category') !== 'urn:continuum:communication-category|portal-message' || q.get('subject') !== `Patient/${patientId}`) return outcome(400, 'unexpected message search');
        const list = all<Communication>('Communication')
          .filter((c) => mine(c.subject?.reference))
          .sort((a, b) => (b.sent ?? '').localeCompare(a.sent ?? ''));
        return bundle(list, q.get('_include') === 'Communication:sender' ? included(list.map((c) => c.sender?.reference)).filter((r) => r.resourceType === 'Practitioner') : []);
      }
      case 'CareTeam': {
        const list = all<CareTeam>('CareTeam').filter((t) => mine(t.subject?.reference));
        return bundle(list, q.get('_include') === 'CareTeam:participant' ? included(list.flatMap((t) => (t.participant ?? []).map((p) => p.member?.reference))) : []);
      }
      case 'Invoice':
        return bundle(all<Invoice>('Invoice').filter((i) => mine(i.subject?.reference)));
      case 'Task':
        return bundle(all<Task>('Task').filter((t) => mine(t.for?.reference) && t.code?.coding?.some((c) => `${c.system}|${c.code}` === q.get('code'))));
      case 'Condition':
      case 'MedicationRequest':
      case 'AllergyIntolerance':
        return bundle([...store.values()].filter((r) => r.resourceType === type && mine((r as { subject?: { reference?: string }; patient?: { reference?: string } }).subject?.reference ?? (r as { patient?: { reference?: string } }).patient?.reference)));
      default:
        return outcome(400, `no fixture search for ${type}`);
    }
  };

  const changeRule = (a: Appointment): FhirAnswer | undefined => {
    const start = Date.parse(a.start ?? '');
    if (start <= Date.now()) return outcome(422, 'This appointment is in the past.');
    if (start - Date.now() < policy.cancelHours * HOUR) return outcome(422, `Appointments can be changed online up to ${policy.cancelHours} hours before they start. Please call the clinic.`);
    return undefined;
  };

  const book = (slotRef: string | undefined, type: Coding | undefined, reason: string | undefined): FhirAnswer => {
    const slot = get<Slot>(slotRef);
    if (!slot) return outcome(400, 'Unknown slot');
    if (slot.status !== 'free') return outcome(409, 'That time was just taken');
    if (Date.parse(slot.start) < Date.now() + policy.minNoticeHours * HOUR) return outcome(422, 'That time is too soon to book online.');
    const schedule = get<Schedule>(slot.schedule.reference)!;
    put({ ...slot, status: 'busy' });
    const appointment = put<Appointment>({
      resourceType: 'Appointment',
      status: 'booked',
      slot: [{ reference: slotRef! }],
      start: slot.start,
      end: slot.end,
      created: new Date().toISOString(),
      appointmentType: { coding: [type ?? schedule.serviceType![0]!.coding![0]!] },
      ...(reason ? { reasonCode: [{ text: reason }] } : {}),
      participant: [{ actor: { reference: `Patient/${patientId}` }, status: 'accepted' }, ...schedule.actor.map((a) => ({ actor: a, status: 'accepted' as const }))],
    });
    return { status: 201, body: appointment };
  };

  const cancel = (a: Appointment, reason: string): Appointment => {
    for (const s of a.slot ?? []) {
      const slot = get<Slot>(s.reference);
      if (slot) put({ ...slot, status: 'free' });
    }
    return put({ ...a, status: 'cancelled', cancelationReason: { text: reason } });
  };

  const operation = (path: string, body: Parameters): FhirAnswer => {
    const [type, idOrOp, op] = path.split('/');
    const id = op ? idOrOp : undefined;
    const name = op ?? idOrOp;
    if (type === 'Appointment' && name === '$book') {
      if (part(body, 'patient')?.valueReference?.reference !== `Patient/${patientId}`) return outcome(403, 'You may book only for yourself');
      return book(part(body, 'slot')?.valueReference?.reference, part(body, 'appointmentType')?.valueCoding, part(body, 'reason')?.valueString);
    }
    if (type === 'Appointment' && (name === '$cancel' || name === '$reschedule')) {
      const a = get<Appointment>(`Appointment/${id}`);
      if (!a) return outcome(404, 'Not found');
      const refused = changeRule(a);
      if (refused) return refused;
      if (name === '$cancel') return { status: 200, body: cancel(a, part(body, 'reason')?.valueString ?? '') };
      const booked = book(part(body, 'slot')?.valueReference?.reference, a.appointmentType?.coding?.[0], a.reasonCode?.[0]?.text);
      if (booked.status === 201) cancel(a, 'Rescheduled');
      return booked;
    }
    if (type === 'Patient' && id === patientId && name === '$message') {
      const text = part(body, 'text')?.valueString;
      if (!text) return outcome(400, 'text is required');
      const thread = get<Communication>(part(body, 'thread')?.valueReference?.reference);
      const other = thread ? (thread.sender?.reference === fhirUser ? thread.recipient?.[0] : thread.sender) : (part(body, 'recipient')?.valueReference ?? { reference: 'Practitioner/doc1' });
      const message = put<Communication>({
        resourceType: 'Communication',
        status: 'completed',
        category: [{ coding: [{ system: 'urn:continuum:communication-category', code: 'portal-message' }] }],
        subject: { reference: `Patient/${patientId}` },
        sender: { reference: fhirUser },
        recipient: other?.reference ? [{ reference: other.reference }] : [],
        sent: new Date().toISOString(),
        ...(thread ? { partOf: [{ reference: `Communication/${thread.id}` }], inResponseTo: [{ reference: `Communication/${thread.id}` }] } : { topic: { text: part(body, 'topic')?.valueString ?? '' } }),
        payload: [{ contentString: text }, ...(body.parameter ?? []).filter((p) => p.name === 'attachment').map((p) => ({ contentAttachment: p.valueAttachment! }))],
      });
      return { status: 201, body: message };
    }
    if (type === 'Communication' && name === '$mark-read') {
      const c = get<Communication>(`Communication/${id}`);
      if (!c) return outcome(404, 'Not found');
      if (!(c.recipient ?? []).some((r) => r.reference === fhirUser || r.reference === `Patient/${patientId}`)) return outcome(403, 'Only a recipient marks a message read');
      return { status: 200, body: c.received ? c : put({ ...c, received: new Date().toISOString() }) };
    }
    if (type === 'Invoice' && name === '$pay') {
      const key = part(body, 'idempotencyKey')?.valueString;
      if (key && payResults.has(key)) return payResults.get(key)!;
      const invoice = get<Invoice>(`Invoice/${id}`);
      if (!invoice) return outcome(404, 'Not found');
      const amount = part(body, 'amount')?.valueMoney?.value ?? 0;
      const card = part(body, 'cardNumber')?.valueString ?? '';
      const paid = all<PaymentReconciliation>('PaymentReconciliation').filter((p) => p.request?.reference === `Invoice/${id}`).reduce((s, p) => s + (p.paymentAmount.value ?? 0), 0);
      const due = (invoice.totalGross?.value ?? 0) - paid;
      let answer: FhirAnswer;
      if (amount <= 0 || amount > due + 1e-9) answer = outcome(400, `The amount must be more than 0 and at most ${due}`);
      else if (!luhn(card)) answer = outcome(400, 'The card number is not valid');
      else if (card === '4000000000000002') answer = outcome(402, 'The card issuer declined the payment.');
      else {
        const payment = put<PaymentReconciliation>({ resourceType: 'PaymentReconciliation', status: 'active', created: new Date().toISOString(), paymentDate: new Date().toISOString().slice(0, 10), paymentAmount: { value: amount, currency: 'USD' }, request: { reference: `Invoice/${id}` }, disposition: `Visa ending ${card.slice(-4)}` });
        charges.push({ key: key ?? '', amount, last4: card.slice(-4) });
        answer = { status: 200, body: { resourceType: 'Parameters', parameter: [{ name: 'status', valueCode: 'approved' }, { name: 'payment', valueReference: { reference: `PaymentReconciliation/${payment.id}` } }, { name: 'balance', valueMoney: statementBalance() }] } };
      }
      if (key) payResults.set(key, answer);
      return answer;
    }
    if (type === 'Patient' && id === patientId && name === '$request-amendment') {
      const text = part(body, 'text')?.valueString;
      if (!text) return outcome(400, 'text is required');
      const focus = part(body, 'focus')?.valueReference;
      if (focus && !get(focus.reference)) return outcome(404, 'That item is not in your record');
      const now = new Date();
      const task = put<Task>({
        resourceType: 'Task',
        status: 'requested',
        intent: 'order',
        code: { coding: [{ system: 'urn:continuum:task-code', code: 'amendment-request' }] },
        for: { reference: `Patient/${patientId}` },
        ...(focus ? { focus } : {}),
        authoredOn: now.toISOString(),
        input: [{ type: { text: 'text' }, valueString: text }],
        restriction: { period: { end: new Date(now.getTime() + 60 * 24 * HOUR).toISOString() } },
      });
      return { status: 201, body: task };
    }
    return outcome(404, `no fixture operation ${path}`);
  };

  const invoiceRows = () =>
    all<Invoice>('Invoice')
      .filter((i) => mine(i.subject?.reference))
      .map((invoice) => {
        const payments = all<PaymentReconciliation>('PaymentReconciliation').filter((p) => p.request?.reference === `Invoice/${invoice.id}`);
        const paid = payments.reduce((s, p) => s + (p.paymentAmount.value ?? 0), 0);
        return { invoice, payments, paid, due: (invoice.totalGross?.value ?? 0) - paid };
      });
  const statementBalance = () => ({ value: invoiceRows().reduce((s, r) => s + r.due, 0), currency: 'USD' as const });
  const statement = (): Parameters => ({
    resourceType: 'Parameters',
    parameter: [
      { name: 'balance', valueMoney: statementBalance() },
      ...invoiceRows().map((r) => ({
        name: 'invoice',
        part: [
          { name: 'invoice', valueReference: { reference: `Invoice/${r.invoice.id}` } },
          { name: 'date', valueDateTime: r.invoice.date },
          { name: 'description', valueString: r.invoice.lineItem?.[0]?.chargeItemCodeableConcept?.text ?? 'Visit' },
          { name: 'total', valueMoney: r.invoice.totalGross },
          { name: 'paid', valueMoney: { value: r.paid, currency: 'USD' as const } },
          { name: 'due', valueMoney: { value: r.due, currency: 'USD' as const } },
          { name: 'status', valueCode: r.due > 0 ? 'issued' : 'balanced' },
        ],
      })),
      ...invoiceRows().flatMap((r) =>
        r.payments.map((p) => ({
          name: 'payment',
          part: [
            { name: 'date', valueDateTime: p.created },
            { name: 'amount', valueMoney: p.paymentAmount },
            { name: 'invoice', valueReference: { reference: `Invoice/${r.invoice.id}` } },
            { name: 'method', valueString: p.disposition },
            { name: 'reference', valueString: `PaymentReconciliation/${p.id}` },
          ],
        })),
      ),
    ],
  });

  const intakeIssues = (r: QuestionnaireResponse): FhirAnswer | undefined => {
    const pain = r.item?.find((i) => i.linkId === 'pain')?.answer?.[0]?.valueInteger;
    if (pain !== undefined && (pain < 0 || pain > 10)) return outcome(422, 'Pain must be a number from 0 to 10.', "QuestionnaireResponse.item.where(linkId='pain')");
    if (!r.extension?.some((e) => e.url === 'https://continuum.dev/fhir/StructureDefinition/intake-appointment' && get(e.valueReference?.reference))) return outcome(422, 'The form must name one of your appointments.');
    return undefined;
  };

  const handler: FhirHandler = (url, method, text) => {
    const path = url.pathname.slice('/fhir/'.length);
    const body = text ? (JSON.parse(text) as Resource) : undefined;
    if (method === 'POST') posts.push({ path, body });
    if (method === 'GET' && path === 'Appointment/$booking-policy') {
      return { status: 200, body: { resourceType: 'Parameters', parameter: Object.entries(policy).map(([name, valueInteger]) => ({ name, valueInteger })) } };
    }
    if (method === 'GET' && path === `Patient/${patientId}/$statement`) return { status: 200, body: statement() };
    if (method === 'POST' && path.includes('$')) return operation(path, body as Parameters);
    if (method === 'POST' && path === 'QuestionnaireResponse') {
      const r = body as QuestionnaireResponse;
      if (!mine(r.subject?.reference)) return outcome(403, 'Only your own forms');
      return intakeIssues(r) ?? { status: 201, body: put(r) };
    }
    const segments = path.split('/');
    if (method === 'GET' && segments.length === 1) return search(segments[0]!, url.searchParams);
    if (method === 'GET' && segments.length === 2) {
      const found = get(path);
      return found ? { status: 200, body: found } : outcome(404, 'Not found');
    }
    return outcome(405, `no fixture for ${method} ${path}`);
  };

  return { handler, store, policy, posts, charges, all };
}
