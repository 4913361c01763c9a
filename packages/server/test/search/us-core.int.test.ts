/**
 * The searches US Core 3.1.1 and 6.1.0 require of a server (SHALL, and the SHOULD combinations
 * each profile lists), run against the Synthea sample plus hand-made US Core resources for the
 * types Synthea lacks (us-core-data.ts). Every expectation is computed from the stored resources
 * with the explicit predicates below, never copied from the server. Every search that names a
 * patient is run twice, as `patient=<id>` and `patient=Patient/<id>`, and both must agree.
 * `_include`, `_revinclude` and `_sort` are tested to the spec even while the server is still
 * gaining them. The optional `$docref` operation is not tested here.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../fixtures/server.ts';
import { loadSynthea, readBack, searchPages, type Json } from './corpus.ts';
import { LOCATIONS, MEDICATIONS, patientResources, practitionerRoles, SYS, type UsCoreContext } from './us-core-data.ts';
import { dateIs, distinctDays, hasCode, ids, middleDay, nameMatches, refersTo, startsWithFolded, type Prefix } from './us-core-helpers.ts';

const TYPES = [
  'Patient', 'Observation', 'Condition', 'Encounter', 'MedicationRequest', 'MedicationDispense', 'Medication', 'AllergyIntolerance',
  'Immunization', 'Procedure', 'DiagnosticReport', 'DocumentReference', 'CarePlan', 'CareTeam', 'Goal', 'Device', 'Location',
  'Organization', 'Practitioner', 'PractitionerRole', 'Provenance', 'Coverage', 'ServiceRequest', 'Specimen', 'QuestionnaireResponse',
  'RelatedPerson',
];
const STRICT = { prefer: 'handling=strict' };

let server: TestServer;
let stored: Map<string, Json[]>;
let ctx: UsCoreContext;
/** The patient most searches are about (the Synthea patient with the most Observations). */
let pid: string;
let patient: Json;

const all = (type: string): Json[] => stored.get(type) ?? [];
/** Resources of `type` whose `field` references the patient. */
const ofPatient = (type: string, field = 'subject', id = pid): Json[] => all(type).filter((r) => refersTo(r[field], 'Patient', id));

async function matchIds(path: string): Promise<string[]> {
  return ids((await searchPages(server, path, STRICT)).matches);
}

/** Runs `type?patient=<pid>&rest` in both reference forms; both must give exactly `expected`. */
async function checkForPatient(type: string, rest: string, expected: Json[]): Promise<void> {
  const suffix = rest ? `&${rest}` : '';
  const bare = await matchIds(`/${type}?patient=${pid}${suffix}`);
  const typed = await matchIds(`/${type}?patient=Patient/${pid}${suffix}`);
  assert.deepEqual(bare, ids(expected), `${type}?patient=${pid}${suffix}`);
  assert.deepEqual(typed, bare, `patient=Patient/${pid} and patient=${pid} must agree`);
}

async function check(path: string, expected: Json[]): Promise<void> {
  assert.deepEqual(await matchIds(path), ids(expected), path);
}

describe('US Core 3.1.1 and 6.1.0 searches', () => {
  before(async () => {
    server = await startTestServer();
    await loadSynthea(server);
    const synthea = await readBack(server, ['Patient', 'Observation', 'Encounter', 'Practitioner', 'Organization']);
    const obsCount = (p: Json): number => synthea.get('Observation')!.filter((o) => refersTo(o.subject, 'Patient', String(p.id))).length;
    const patients = [...synthea.get('Patient')!].sort((a, b) => obsCount(b) - obsCount(a) || String(a.id).localeCompare(String(b.id)));
    const [p0, p1] = patients.map((p) => String(p.id));
    const firstEncounter = (id: string): string => String(synthea.get('Encounter')!.find((e) => refersTo(e.subject, 'Patient', id))!.id);
    const practitioners = synthea.get('Practitioner')!.map((p) => String(p.id)).sort();
    ctx = {
      patients: [p0!, p1!],
      practitioners: [practitioners[0]!, practitioners[1]!],
      organization: String(synthea.get('Organization')![0]!.id),
      encounters: [firstEncounter(p0!), firstEncounter(p1!)],
    };
    const handMade = [...LOCATIONS, ...MEDICATIONS, ...practitionerRoles(ctx), ...patientResources(ctx, 0), ...patientResources(ctx, 1)];
    for (const r of handMade) {
      const res = await server.request('PUT', `/${String(r.resourceType)}/${String(r.id)}`, { body: r });
      assert.ok(res.status === 201 || res.status === 200, `PUT ${String(r.resourceType)}/${String(r.id)}: ${res.status} ${res.text.slice(0, 300)}`);
    }
    stored = await readBack(server, TYPES);
    pid = p0!;
    patient = all('Patient').find((p) => p.id === pid)!;
  });
  after(async () => {
    await server?.close();
  });

  describe('Patient', () => {
    const name = (): { family: string; given: string } => {
      const n = (patient.name as { family: string; given: string[] }[])[0]!;
      return { family: n.family, given: n.given[0]! };
    };

    it('_id (SHALL)', async () => check(`/Patient?_id=${pid}`, [patient]));
    it('identifier, with and without system (SHALL)', async () => {
      const mrn = (patient.identifier as { system: string; value: string; type?: unknown }[]).find((i) => hasCode(i.type, undefined, 'MR'))!;
      const withId = all('Patient').filter((p) => ((p.identifier ?? []) as Json[]).some((i) => i.value === mrn.value));
      await check(`/Patient?identifier=${encodeURIComponent(`${mrn.system}|${mrn.value}`)}`, withId);
      await check(`/Patient?identifier=${encodeURIComponent(mrn.value)}`, withId);
    });
    it('name, as a prefix in any case (SHALL)', async () => {
      const prefix = name().family.slice(0, 4).toUpperCase();
      await check(`/Patient?name=${prefix}`, all('Patient').filter((p) => nameMatches(p, prefix)));
    });
    it('birthdate+name (SHALL)', async () => {
      const expected = all('Patient').filter((p) => p.birthDate === patient.birthDate && nameMatches(p, name().given));
      await check(`/Patient?birthdate=${String(patient.birthDate)}&name=${name().given}`, expected);
    });
    it('gender+name (SHALL)', async () => {
      const expected = all('Patient').filter((p) => p.gender === patient.gender && nameMatches(p, name().family));
      await check(`/Patient?gender=${String(patient.gender)}&name=${name().family}`, expected);
    });
    it('family+gender and birthdate+family (SHOULD)', async () => {
      const family = (p: Json): boolean => ((p.name ?? []) as Json[]).some((n) => startsWithFolded(n.family, name().family));
      await check(`/Patient?family=${name().family}&gender=${String(patient.gender)}`, all('Patient').filter((p) => family(p) && p.gender === patient.gender));
      await check(`/Patient?birthdate=${String(patient.birthDate)}&family=${name().family}`, all('Patient').filter((p) => family(p) && p.birthDate === patient.birthDate));
    });
    it('gender alone selects some but not all patients (guards against ignored criteria)', async () => {
      const expected = all('Patient').filter((p) => p.gender === 'female');
      assert.ok(expected.length > 0 && expected.length < all('Patient').length);
      await check('/Patient?gender=female', expected);
    });
  });

  describe('Observation', () => {
    const isCategory = (o: Json, code: string): boolean => hasCode(o.category, SYS.obsCategory, code);
    const vitals = (): Json[] => ofPatient('Observation').filter((o) => isCategory(o, 'vital-signs'));
    /** Heart rate: in Synthea's vital signs and in the hand-made ones on other dates. */
    const someCode = (): string => '8867-4';

    it('patient+category (SHALL)', async () => {
      assert.ok(vitals().length > 0);
      await checkForPatient('Observation', 'category=vital-signs', vitals());
      await checkForPatient('Observation', `category=${encodeURIComponent(`${SYS.obsCategory}|laboratory`)}`, ofPatient('Observation').filter((o) => isCategory(o, 'laboratory')));
    });
    it('patient+code, with and without system (SHALL)', async () => {
      const expected = ofPatient('Observation').filter((o) => hasCode(o.code, SYS.loinc, someCode()));
      await checkForPatient('Observation', `code=${encodeURIComponent(`${SYS.loinc}|${someCode()}`)}`, expected);
      await checkForPatient('Observation', `code=${someCode()}`, ofPatient('Observation').filter((o) => hasCode(o.code, undefined, someCode())));
    });
    for (const prefix of ['ge', 'gt', 'le', 'lt'] as Prefix[]) {
      it(`patient+category+date with ${prefix} (SHALL)`, async () => {
        const day = middleDay(vitals().map((o) => String(o.effectiveDateTime)));
        const expected = vitals().filter((o) => dateIs(o.effectiveDateTime, prefix, day));
        assert.ok(expected.length > 0 && expected.length < vitals().length, `${prefix}${day} should split the data`);
        await checkForPatient('Observation', `category=vital-signs&date=${prefix}${day}`, expected);
      });
    }
    it('patient+category+date range (ge and lt together)', async () => {
      // From the second day with vital signs up to (not including) the last one.
      const days = distinctDays(vitals().map((o) => String(o.effectiveDateTime)));
      const [from, to] = [days[1]!, days[days.length - 1]!];
      await checkForPatient('Observation', `category=vital-signs&date=ge${from}&date=lt${to}`, vitals().filter((o) => dateIs(o.effectiveDateTime, 'ge', from) && dateIs(o.effectiveDateTime, 'lt', to)));
    });
    it('patient+category+status (SHOULD)', async () => {
      await checkForPatient('Observation', 'category=vital-signs&status=final', vitals().filter((o) => o.status === 'final'));
      await checkForPatient('Observation', 'category=vital-signs&status=cancelled', []);
    });
    it('patient+code+date (SHOULD)', async () => {
      const withCode = ofPatient('Observation').filter((o) => hasCode(o.code, SYS.loinc, someCode()));
      const day = middleDay(withCode.map((o) => String(o.effectiveDateTime)));
      await checkForPatient('Observation', `code=${encodeURIComponent(`${SYS.loinc}|${someCode()}`)}&date=ge${day}`, withCode.filter((o) => dateIs(o.effectiveDateTime, 'ge', day)));
    });
    it('patient+category+_lastUpdated (6.1.0 SHOULD)', async () => {
      await checkForPatient('Observation', 'category=vital-signs&_lastUpdated=ge2000-01-01', vitals());
      await checkForPatient('Observation', 'category=vital-signs&_lastUpdated=lt2000-01-01', []);
    });
    it('_sort=-date orders by effective date, newest first', async () => {
      const got = (await searchPages(server, `/Observation?patient=${pid}&category=vital-signs&_sort=-date`, STRICT)).matches;
      assert.deepEqual(ids(got), ids(vitals()));
      const times = got.map((o) => Date.parse(String(o.effectiveDateTime)));
      assert.deepEqual(times, [...times].sort((a, b) => b - a), 'not sorted by date descending');
    });
  });

  describe('Condition', () => {
    it('patient (SHALL)', async () => checkForPatient('Condition', '', ofPatient('Condition')));
    it('patient+category (SHOULD)', async () => {
      const expected = ofPatient('Condition').filter((c) => hasCode(c.category, SYS.conditionCategory, 'problem-list-item'));
      assert.equal(expected.length, 1);
      await checkForPatient('Condition', 'category=problem-list-item', expected);
    });
    it('patient+clinical-status (SHOULD)', async () => {
      for (const status of ['active', 'resolved']) {
        await checkForPatient('Condition', `clinical-status=${status}`, ofPatient('Condition').filter((c) => hasCode(c.clinicalStatus, SYS.conditionClinical, status)));
      }
    });
    it('patient+onset-date (SHOULD)', async () => {
      const day = middleDay(ofPatient('Condition').map((c) => String(c.onsetDateTime)));
      for (const prefix of ['ge', 'lt'] as Prefix[]) {
        await checkForPatient('Condition', `onset-date=${prefix}${day}`, ofPatient('Condition').filter((c) => dateIs(c.onsetDateTime, prefix, day)));
      }
    });
    it('patient+code (SHOULD)', async () => {
      const code = ((ofPatient('Condition')[0]!.code as Json).coding as { code: string }[])[0]!.code;
      await checkForPatient('Condition', `code=${encodeURIComponent(`${SYS.snomed}|${code}`)}`, ofPatient('Condition').filter((c) => hasCode(c.code, SYS.snomed, code)));
    });
    it('patient+recorded-date, abatement-date, category+clinical-status (6.1.0 SHOULD)', async () => {
      const year = 2019; // the hand-made Conditions of the first patient are recorded in 2019
      await checkForPatient('Condition', `recorded-date=${year}`, ofPatient('Condition').filter((c) => dateIs(c.recordedDate, 'eq', String(year))));
      const day = '2020-01-01';
      await checkForPatient('Condition', `abatement-date=ge${day}`, ofPatient('Condition').filter((c) => dateIs(c.abatementDateTime, 'ge', day)));
      await checkForPatient('Condition', 'category=encounter-diagnosis&clinical-status=resolved', ofPatient('Condition').filter((c) => hasCode(c.category, SYS.conditionCategory, 'encounter-diagnosis') && hasCode(c.clinicalStatus, SYS.conditionClinical, 'resolved')));
    });
  });

  describe('Encounter', () => {
    const mine = (): Json[] => ofPatient('Encounter');
    it('_id and identifier (SHALL)', async () => {
      const enc = all('Encounter').find((e) => e.id === `usc-enc-loc-0`)!;
      await check(`/Encounter?_id=${String(enc.id)}`, [enc]);
      await check(`/Encounter?identifier=${encodeURIComponent(`urn:continuum:test:encounter|${String(enc.id)}`)}`, [enc]);
    });
    it('patient (SHALL)', async () => checkForPatient('Encounter', '', mine()));
    it('date+patient with ge and le (SHALL)', async () => {
      const day = middleDay(mine().map((e) => String((e.period as Json).start)));
      for (const prefix of ['ge', 'le'] as Prefix[]) {
        const expected = mine().filter((e) => dateIs(e.period, prefix, day));
        assert.ok(expected.length > 0 && expected.length < mine().length);
        await checkForPatient('Encounter', `date=${prefix}${day}`, expected);
      }
    });
    it('class+patient, patient+type, patient+status (SHOULD)', async () => {
      await checkForPatient('Encounter', 'class=AMB', mine().filter((e) => (e.class as Json).code === 'AMB'));
      const type = (((mine()[0]!.type as Json[])[0]!.coding as Json[])[0]!.code) as string;
      await checkForPatient('Encounter', `type=${encodeURIComponent(`${SYS.snomed}|${type}`)}`, mine().filter((e) => hasCode(e.type, SYS.snomed, type)));
      await checkForPatient('Encounter', 'status=finished', mine().filter((e) => e.status === 'finished'));
    });
    it('patient+location (6.1.0)', async () => {
      await checkForPatient('Encounter', 'location=Location/usc-loc-1', mine().filter((e) => ((e.location ?? []) as Json[]).some((l) => refersTo(l.location, 'Location', 'usc-loc-1'))));
    });
  });

  describe('MedicationRequest and MedicationDispense', () => {
    const mine = (): Json[] => ofPatient('MedicationRequest');
    it('patient+intent and patient+intent+status (SHALL)', async () => {
      await checkForPatient('MedicationRequest', 'intent=order', mine().filter((m) => m.intent === 'order'));
      await checkForPatient('MedicationRequest', 'intent=order,plan', mine().filter((m) => m.intent === 'order' || m.intent === 'plan'));
      await checkForPatient('MedicationRequest', 'intent=order&status=active', mine().filter((m) => m.intent === 'order' && m.status === 'active'));
    });
    it('patient+intent+encounter and patient+intent+authoredon (SHOULD)', async () => {
      const enc = ctx.encounters[ctx.patients.indexOf(pid)]!;
      await checkForPatient('MedicationRequest', `intent=order&encounter=Encounter/${enc}`, mine().filter((m) => m.intent === 'order' && refersTo(m.encounter, 'Encounter', enc)));
      await checkForPatient('MedicationRequest', 'intent=order&authoredon=ge2020-01-01', mine().filter((m) => m.intent === 'order' && dateIs(m.authoredOn, 'ge', '2020-01-01')));
    });
    it('_include=MedicationRequest:medication returns the referenced Medications (SHALL)', async () => {
      const matches = mine().filter((m) => m.intent === 'order');
      const wanted = new Set(matches.map((m) => (m.medicationReference as { reference?: string } | undefined)?.reference).filter((r): r is string => r !== undefined));
      const res = await searchPages(server, `/MedicationRequest?patient=${pid}&intent=order&_include=MedicationRequest:medication`, STRICT);
      assert.deepEqual(ids(res.matches), ids(matches));
      assert.deepEqual(res.includes.map((r) => `${String(r.resourceType)}/${String(r.id)}`).sort(), [...wanted].sort());
    });
    it('MedicationDispense: patient, patient+status, _include medication (6.1.0)', async () => {
      const dispenses = ofPatient('MedicationDispense');
      await checkForPatient('MedicationDispense', '', dispenses);
      await checkForPatient('MedicationDispense', 'status=completed', dispenses.filter((m) => m.status === 'completed'));
      const res = await searchPages(server, `/MedicationDispense?patient=${pid}&status=completed&_include=MedicationDispense:medication`, STRICT);
      assert.deepEqual(res.includes.map((r) => String(r.id)), ['usc-med-1']);
    });
  });

  describe('AllergyIntolerance, Immunization, Procedure', () => {
    it('AllergyIntolerance: patient (SHALL), patient+clinical-status (SHOULD)', async () => {
      const mine = ofPatient('AllergyIntolerance', 'patient');
      await checkForPatient('AllergyIntolerance', '', mine);
      await checkForPatient('AllergyIntolerance', 'clinical-status=active', mine.filter((a) => hasCode(a.clinicalStatus, SYS.allergyClinical, 'active')));
    });
    it('Immunization: patient (SHALL), patient+date and patient+status (SHOULD)', async () => {
      const mine = ofPatient('Immunization', 'patient');
      await checkForPatient('Immunization', '', mine);
      const day = middleDay(mine.map((i) => String(i.occurrenceDateTime)));
      await checkForPatient('Immunization', `date=ge${day}`, mine.filter((i) => dateIs(i.occurrenceDateTime, 'ge', day)));
      await checkForPatient('Immunization', 'status=completed', mine.filter((i) => i.status === 'completed'));
    });
    it('Procedure: patient, patient+date (SHALL), patient+code+date and patient+status (SHOULD)', async () => {
      const procedures = ofPatient('Procedure');
      await checkForPatient('Procedure', '', procedures);
      const performed = (p: Json): unknown => p.performedDateTime ?? p.performedPeriod;
      await checkForPatient('Procedure', 'date=ge2015-01-01', procedures.filter((p) => dateIs(performed(p), 'ge', '2015-01-01')));
      const withPerformed = procedures.find((p) => performed(p) !== undefined);
      if (withPerformed) {
        const code = ((withPerformed.code as Json).coding as { code: string }[])[0]!.code;
        await checkForPatient('Procedure', `code=${encodeURIComponent(`${SYS.snomed}|${code}`)}&date=ge2000`, procedures.filter((p) => hasCode(p.code, SYS.snomed, code) && dateIs(performed(p), 'ge', '2000')));
      }
      await checkForPatient('Procedure', 'status=completed', procedures.filter((p) => p.status === 'completed'));
    });
  });

  describe('DiagnosticReport and DocumentReference', () => {
    it('DiagnosticReport: patient+category, patient+code, patient+category+date (SHALL), +status, +code+date (SHOULD)', async () => {
      const mine = ofPatient('DiagnosticReport');
      const lab = mine.filter((d) => hasCode(d.category, 'http://terminology.hl7.org/CodeSystem/v2-0074', 'LAB'));
      await checkForPatient('DiagnosticReport', 'category=LAB', lab);
      const code = mine.length ? ((mine[0]!.code as Json).coding as { code: string }[])[0]!.code : '00000-0';
      await checkForPatient('DiagnosticReport', `code=${encodeURIComponent(`${SYS.loinc}|${code}`)}`, mine.filter((d) => hasCode(d.code, SYS.loinc, code)));
      await checkForPatient('DiagnosticReport', 'category=LAB&date=ge2020-01-01', lab.filter((d) => dateIs(d.effectiveDateTime, 'ge', '2020-01-01')));
      await checkForPatient('DiagnosticReport', 'status=final', mine.filter((d) => d.status === 'final'));
      await checkForPatient('DiagnosticReport', `code=${code}&date=lt2020-01-01`, mine.filter((d) => hasCode(d.code, undefined, code) && dateIs(d.effectiveDateTime, 'lt', '2020-01-01')));
    });
    it('DocumentReference: _id, patient, patient+category, patient+category+date, patient+type (SHALL)', async () => {
      const mine = ofPatient('DocumentReference');
      assert.equal(mine.length, 2);
      await check(`/DocumentReference?_id=${String(mine[0]!.id)}`, [mine[0]!]);
      await checkForPatient('DocumentReference', '', mine);
      await checkForPatient('DocumentReference', 'category=clinical-note', mine.filter((d) => hasCode(d.category, SYS.docCategory, 'clinical-note')));
      const first = String(mine.map((d) => d.date).sort()[0]);
      await checkForPatient('DocumentReference', `category=clinical-note&date=gt${first.slice(0, 10)}`, mine.filter((d) => dateIs(d.date, 'gt', first.slice(0, 10))));
      await checkForPatient('DocumentReference', `type=${encodeURIComponent(`${SYS.loinc}|18842-5`)}`, mine.filter((d) => hasCode(d.type, SYS.loinc, '18842-5')));
    });
    it('DocumentReference: patient+status, patient+type+period (SHOULD)', async () => {
      const mine = ofPatient('DocumentReference');
      await checkForPatient('DocumentReference', 'status=current', mine.filter((d) => d.status === 'current'));
      const period = (d: Json): unknown => (d.context as Json | undefined)?.period;
      const year = String((period(mine[0]!) as { start: string }).start).slice(0, 4);
      await checkForPatient('DocumentReference', `type=34133-9&period=${year}`, mine.filter((d) => hasCode(d.type, SYS.loinc, '34133-9') && dateIs(period(d), 'eq', year)));
    });
  });

  describe('CarePlan, CareTeam, Goal, Device', () => {
    it('CarePlan: patient+category (SHALL), +date, +status, +status+date (SHOULD)', async () => {
      const plans = ofPatient('CarePlan').filter((c) => hasCode(c.category, SYS.carePlanCategory, 'assess-plan'));
      assert.equal(plans.length, 2);
      await checkForPatient('CarePlan', 'category=assess-plan', plans);
      await checkForPatient('CarePlan', 'category=assess-plan&date=ge2018-01-01', plans.filter((c) => dateIs(c.period, 'ge', '2018-01-01')));
      await checkForPatient('CarePlan', 'category=assess-plan&status=active', plans.filter((c) => c.status === 'active'));
      await checkForPatient('CarePlan', 'category=assess-plan&status=completed&date=lt2018', plans.filter((c) => c.status === 'completed' && dateIs(c.period, 'lt', '2018')));
    });
    it('CareTeam: patient+status (SHALL)', async () => {
      for (const status of ['active', 'inactive']) await checkForPatient('CareTeam', `status=${status}`, ofPatient('CareTeam').filter((c) => c.status === status));
    });
    it('Goal: patient (SHALL), +lifecycle-status, +target-date (SHOULD)', async () => {
      const mine = ofPatient('Goal');
      await checkForPatient('Goal', '', mine);
      await checkForPatient('Goal', 'lifecycle-status=active', mine.filter((g) => g.lifecycleStatus === 'active'));
      const due = (g: Json): string => String(((g.target as Json[])[0]!).dueDate);
      await checkForPatient('Goal', 'target-date=ge2021-01-01', mine.filter((g) => dateIs(due(g), 'ge', '2021-01-01')));
    });
    it('Device: patient (SHALL), patient+type (SHOULD)', async () => {
      const mine = ofPatient('Device', 'patient');
      await checkForPatient('Device', '', mine);
      await checkForPatient('Device', `type=${encodeURIComponent(`${SYS.snomed}|14106009`)}`, mine.filter((d) => hasCode(d.type, SYS.snomed, '14106009')));
    });
  });

  describe('Location, Organization, Practitioner, PractitionerRole', () => {
    const addressHas = (r: Json, text: string, field?: string): boolean =>
      ((Array.isArray(r.address) ? r.address : r.address ? [r.address] : []) as Json[]).some((a) =>
        (field ? [a[field]] : [...((a.line as string[]) ?? []), a.city, a.district, a.state, a.postalCode, a.country, a.text]).some((p) => startsWithFolded(p, text)));

    it('Location: name, address (SHALL), address-city, -state, -postalcode (SHOULD)', async () => {
      await check('/Location?name=continuum', all('Location').filter((l) => startsWithFolded(l.name, 'continuum')));
      await check('/Location?address=Springfield', all('Location').filter((l) => addressHas(l, 'Springfield')));
      await check('/Location?address-city=boston', all('Location').filter((l) => addressHas(l, 'boston', 'city')));
      await check('/Location?address-state=IL', all('Location').filter((l) => addressHas(l, 'IL', 'state')));
      await check('/Location?address-postalcode=021', all('Location').filter((l) => addressHas(l, '021', 'postalCode')));
    });
    it('Organization: name, address (SHALL)', async () => {
      const org = all('Organization').find((o) => o.id === ctx.organization)!;
      const prefix = String(org.name).slice(0, 5);
      await check(`/Organization?name=${encodeURIComponent(prefix)}`, all('Organization').filter((o) => startsWithFolded(o.name, prefix) || ((o.alias ?? []) as string[]).some((a) => startsWithFolded(a, prefix))));
      const city = String(((org.address as Json[])[0]!).city);
      await check(`/Organization?address=${encodeURIComponent(city)}`, all('Organization').filter((o) => addressHas(o, city)));
    });
    it('Practitioner: name, identifier (SHALL)', async () => {
      const pr = all('Practitioner').find((p) => p.id === ctx.practitioners[0])!;
      const family = String(((pr.name as Json[])[0]!).family);
      await check(`/Practitioner?name=${family}`, all('Practitioner').filter((p) => nameMatches(p, family)));
      const npi = ((pr.identifier as Json[])[0]!) as { system: string; value: string };
      await check(`/Practitioner?identifier=${encodeURIComponent(`${npi.system}|${npi.value}`)}`, all('Practitioner').filter((p) => ((p.identifier ?? []) as Json[]).some((i) => i.system === npi.system && i.value === npi.value)));
    });
    it('PractitionerRole: specialty, practitioner (SHALL), _include practitioner (SHOULD)', async () => {
      await check(`/PractitionerRole?specialty=${encodeURIComponent(`${SYS.nucc}|207Q00000X`)}`, all('PractitionerRole').filter((r) => hasCode(r.specialty, SYS.nucc, '207Q00000X')));
      const pr = ctx.practitioners[1];
      await check(`/PractitionerRole?practitioner=Practitioner/${pr}`, all('PractitionerRole').filter((r) => refersTo(r.practitioner, 'Practitioner', pr)));
      const res = await searchPages(server, `/PractitionerRole?specialty=207Q00000X&_include=PractitionerRole:practitioner`, STRICT);
      assert.deepEqual(res.includes.map((r) => `${String(r.resourceType)}/${String(r.id)}`), [`Practitioner/${ctx.practitioners[0]}`]);
    });
  });

  describe('Provenance, Coverage, ServiceRequest, Specimen, QuestionnaireResponse, RelatedPerson', () => {
    it('_revinclude=Provenance:target brings the Provenance of the matches (SHALL)', async () => {
      const res = await searchPages(server, `/Patient?_id=${pid}&_revinclude=Provenance:target`, STRICT);
      const targeting = all('Provenance').filter((p) => ((p.target ?? []) as Json[]).some((t) => refersTo(t, 'Patient', pid)));
      assert.deepEqual(ids(res.matches), [pid]);
      assert.deepEqual(ids(res.includes), ids(targeting));
      const mr = await searchPages(server, `/MedicationRequest?patient=${pid}&intent=order&status=active&_revinclude=Provenance:target`, STRICT);
      const mrIds = new Set(mr.matches.map((m) => `MedicationRequest/${String(m.id)}`));
      assert.deepEqual(ids(mr.includes), ids(all('Provenance').filter((p) => ((p.target ?? []) as { reference?: string }[]).some((t) => mrIds.has(t.reference ?? '')))));
    });
    it('Coverage: patient (6.1.0 SHALL)', async () => checkForPatient('Coverage', '', ofPatient('Coverage', 'beneficiary')));
    it('ServiceRequest: patient, _id, patient+category, patient+code, patient+category+authored (6.1.0 SHALL), +status, +code+authored (SHOULD)', async () => {
      const mine = ofPatient('ServiceRequest');
      await checkForPatient('ServiceRequest', '', mine);
      await check(`/ServiceRequest?_id=${String(mine[0]!.id)}`, [mine[0]!]);
      await checkForPatient('ServiceRequest', 'category=387713003', mine.filter((s) => hasCode(s.category, SYS.snomed, '387713003')));
      await checkForPatient('ServiceRequest', `code=${encodeURIComponent(`${SYS.loinc}|24323-8`)}`, mine.filter((s) => hasCode(s.code, SYS.loinc, '24323-8')));
      await checkForPatient('ServiceRequest', 'category=386053000&authored=le2020-12-31', mine.filter((s) => hasCode(s.category, SYS.snomed, '386053000') && dateIs(s.authoredOn, 'le', '2020-12-31')));
      await checkForPatient('ServiceRequest', 'status=completed', mine.filter((s) => s.status === 'completed'));
      await checkForPatient('ServiceRequest', 'code=80146002&authored=gt2020', mine.filter((s) => hasCode(s.code, SYS.snomed, '80146002') && dateIs(s.authoredOn, 'gt', '2020')));
    });
    it('Specimen: patient, _id (6.1.0 SHALL)', async () => {
      const mine = ofPatient('Specimen');
      await checkForPatient('Specimen', '', mine);
      await check(`/Specimen?_id=${String(mine[0]!.id)}`, [mine[0]!]);
    });
    it('QuestionnaireResponse: patient, _id (6.1.0 SHALL), +authored, +status, +questionnaire (SHOULD)', async () => {
      const mine = ofPatient('QuestionnaireResponse');
      await checkForPatient('QuestionnaireResponse', '', mine);
      await check(`/QuestionnaireResponse?_id=${String(mine[0]!.id)}`, [mine[0]!]);
      await checkForPatient('QuestionnaireResponse', 'authored=ge2020-06-01', mine.filter((q) => dateIs(q.authored, 'ge', '2020-06-01')));
      await checkForPatient('QuestionnaireResponse', 'status=completed', mine.filter((q) => q.status === 'completed'));
      await checkForPatient('QuestionnaireResponse', `questionnaire=${encodeURIComponent('http://example.org/Questionnaire/phq-9')}`, mine.filter((q) => q.questionnaire === 'http://example.org/Questionnaire/phq-9'));
    });
    it('RelatedPerson: _id, patient (6.1.0 SHALL), name, patient+name (SHOULD)', async () => {
      const mine = ofPatient('RelatedPerson', 'patient');
      await check(`/RelatedPerson?_id=${String(mine[0]!.id)}`, [mine[0]!]);
      await checkForPatient('RelatedPerson', '', mine);
      await check('/RelatedPerson?name=ruth', all('RelatedPerson').filter((r) => nameMatches(r, 'ruth')));
      await checkForPatient('RelatedPerson', 'name=relative', mine);
    });
  });
});
