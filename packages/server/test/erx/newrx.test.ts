/**
 * NewRx rendering, checked by parsing the XML back: the Message's namespace and version
 * attributes, the Header's addressing, every party, and MedicationPrescribed's element paths and
 * values against the FHIR order (quantity units, days supply, substitutions, refills, diagnosis,
 * Sig). Also escaping of hostile text, the element order the standard prescribes, and the
 * refusal to render without a pharmacy NCPDP ID or a prescriber NPI.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { XMLParser } from 'fast-xml-parser';
import { renderNewRx, type NewRxInput } from '../../src/erx/newrx.ts';
import { rxnormQualifier } from '../../src/erx/newrx-medication.ts';
import { escapeAttr, escapeText } from '../../src/erx/xml.ts';
import { order, patient, pharmacy, prescriber } from './fixtures.ts';

// Values stay strings (no number guessing): "0042" must not become 42.
const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false, parseAttributeValue: false, isArray: () => false });
const ordered = new XMLParser({ preserveOrder: true, ignoreAttributes: true, parseTagValue: false });

const input = (over: Partial<NewRxInput> = {}): NewRxInput => ({
  messageId: 'msg-0001',
  sentTime: '2026-11-20T15:04:06.000Z',
  order: { ...order(), id: 'rx-1' },
  patient: patient(),
  pharmacy: pharmacy(),
  prescriber: prescriber(),
  ...over,
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const parse = (xml: string): any => parser.parse(xml);

/** The child element names of the element at `path`, in document order. */
function childNames(xml: string, path: string[]): string[] {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let nodes: any[] = ordered.parse(xml);
  for (const name of path) {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const node = nodes.find((n: any) => name in n);
    assert.ok(node, `no ${name} on the path ${path.join('/')}`);
    nodes = node[name];
  }
  return nodes.map((n: object) => Object.keys(n).find((k) => k !== ':@')!).filter((k) => k !== '#text');
}

describe('NewRx rendering', () => {
  it('writes the Message with the SCRIPT namespace and 2017071 version attributes, and the Header', () => {
    const m = parse(renderNewRx(input())).Message;
    assert.equal(m['@xmlns'], 'http://www.ncpdp.org/schema/SCRIPT');
    assert.equal(m['@TransactionDomain'], 'SCRIPT');
    for (const a of ['DatatypesVersion', 'TransportVersion', 'TransactionVersion', 'StructuresVersion', 'ECLVersion']) assert.equal(m[`@${a}`], '20170715', a);
    assert.deepEqual(m.Header.To, { '#text': '9900101', '@Qualifier': 'P' });
    assert.deepEqual(m.Header.From, { '#text': '1234567893', '@Qualifier': 'C' });
    assert.equal(m.Header.MessageID, 'msg-0001');
    assert.equal(m.Header.SentTime, '2026-11-20T15:04:06.000Z');
    assert.equal(m.Header.PrescriberOrderNumber, 'rx-1');
    assert.deepEqual(childNames(renderNewRx(input()), ['Message', 'Header']), ['To', 'From', 'MessageID', 'SentTime', 'SenderSoftware', 'PrescriberOrderNumber']);
  });

  it('writes the patient, the pharmacy and the prescriber from their FHIR resources', () => {
    const xml = renderNewRx(input());
    const rx = parse(xml).Message.Body.NewRx;
    assert.deepEqual(childNames(xml, ['Message', 'Body', 'NewRx']), ['Patient', 'Pharmacy', 'Prescriber', 'MedicationPrescribed']);
    const p = rx.Patient.HumanPatient;
    assert.equal(p.Identification.MedicalRecordIdentificationNumberEHR, 'MRN-0042');
    assert.deepEqual(p.Name, { LastName: "O'Brien & Sons", FirstName: 'Ana', MiddleName: 'Maria' });
    assert.equal(p.Gender, 'F');
    assert.equal(p.DateOfBirth.Date, '1961-04-12');
    assert.deepEqual(p.Address, { AddressLine1: '12 <Elm> Street', AddressLine2: 'Apt 3', City: 'Springfield', StateProvince: 'IL', PostalCode: '627011234', CountryCode: 'US' });
    assert.equal(p.CommunicationNumbers.PrimaryTelephone.Number, '2175550199');
    assert.equal(rx.Pharmacy.Identification.NCPDPID, '9900101');
    assert.equal(rx.Pharmacy.BusinessName, 'Main Street Pharmacy');
    assert.equal(rx.Pharmacy.Address.AddressLine1, '120 Main Street');
    assert.equal(rx.Pharmacy.CommunicationNumbers.PrimaryTelephone.Number, '2175550101');
    assert.equal(rx.Pharmacy.CommunicationNumbers.Fax.Number, '2175550151');
    const doc = rx.Prescriber.NonVeterinarian;
    assert.equal(doc.Identification.NPI, '1234567893');
    assert.deepEqual(doc.Name, { LastName: 'Okafor', FirstName: 'Chidi' });
    assert.equal(doc.Address.City, 'Springfield');
    assert.equal(doc.CommunicationNumbers.PrimaryTelephone.Number, '2175550110');
  });

  it('writes MedicationPrescribed from the order, in the standard order', () => {
    const xml = renderNewRx(input({ diagnosis: { code: 'I10', display: 'Essential (primary) hypertension' } }));
    const med = parse(xml).Message.Body.NewRx.MedicationPrescribed;
    assert.deepEqual(childNames(xml, ['Message', 'Body', 'NewRx', 'MedicationPrescribed']), [
      'DrugDescription', 'DrugCoded', 'Quantity', 'DaysSupply', 'WrittenDate', 'Substitutions', 'NumberOfRefills', 'Diagnosis', 'Note', 'Sig',
    ]);
    assert.equal(med.DrugDescription, 'lisinopril 10 MG Oral Tablet');
    assert.deepEqual(med.DrugCoded.DrugDBCode, { Code: '314076', Qualifier: 'SCD' });
    assert.deepEqual(med.DrugCoded.Strength, { StrengthValue: '10', StrengthForm: { Code: 'C42998' }, StrengthUnitOfMeasure: { Code: 'C28253' } });
    assert.equal(med.DrugCoded.ProductCode, undefined, 'no NDC on the order: no ProductCode');
    assert.deepEqual(med.Quantity, { Value: '60', CodeListQualifier: '38', QuantityUnitOfMeasure: { Code: 'C48542' } });
    assert.equal(med.DaysSupply, '30');
    assert.equal(med.WrittenDate.Date, '2026-11-20');
    assert.equal(med.Substitutions, '1', 'substitution not allowed is NCPDP 1');
    assert.equal(med.NumberOfRefills, '2');
    assert.deepEqual(med.Diagnosis, { ClinicalInformationQualifier: '1', Primary: { Code: 'I10', Qualifier: 'ABF', Description: 'Essential (primary) hypertension' } });
    assert.equal(med.Note, 'Patient prefers blister packs');
    assert.equal(med.Sig.SigText, 'Take 1 tablet by mouth twice daily for 30 days');
    const instr = med.Sig.Instruction;
    assert.deepEqual(instr.DoseAdministration.DoseDeliveryMethod, { Text: 'Take', Qualifier: 'SNOMED', Code: '419652001' });
    assert.equal(instr.DoseAdministration.Dosage.DoseQuantity, '1');
    assert.equal(instr.DoseAdministration.Dosage.DoseUnitOfMeasure.Code, 'C48542');
    assert.equal(instr.DoseAdministration.RouteOfAdministration.Code, '26643006');
  });

  it('codes the Sig timing as a frequency per day, an interval in hours, and a duration', () => {
    const xml = renderNewRx(input());
    // Two TimingAndDuration elements: the frequency and the duration.
    const timing = new XMLParser({ parseTagValue: false, isArray: (name) => name === 'TimingAndDuration' }).parse(xml).Message.Body.NewRx.MedicationPrescribed.Sig.Instruction.TimingAndDuration;
    assert.deepEqual(timing[0].Frequency, { FrequencyNumericValue: '2', FrequencyUnits: { Text: 'day', Qualifier: 'SNOMED', Code: '258703001' } });
    assert.deepEqual(timing[1].Duration, { DurationNumericValue: '30', DurationText: { Text: 'day', Qualifier: 'SNOMED', Code: '258703001' } });
    const q6h = order();
    q6h.dosageInstruction![0]!.timing = { repeat: { frequency: 1, period: 6, periodUnit: 'h' } };
    const interval = parse(renderNewRx(input({ order: { ...q6h, id: 'rx-2' } }))).Message.Body.NewRx.MedicationPrescribed.Sig.Instruction.TimingAndDuration;
    assert.deepEqual(interval[0]?.Interval ?? interval.Interval, { IntervalNumericValue: '6', IntervalUnits: { Text: 'hour', Qualifier: 'SNOMED', Code: '258702006' } });
  });

  it('maps quantity units to NCPDP codes (capsule, mL, unknown is unspecified) and substitution allowed to 0', () => {
    const unit = (u: string): string => {
      const o = order({ dispenseRequest: { ...order().dispenseRequest, quantity: { value: 10, unit: u } }, substitution: { allowedBoolean: true } });
      const med = parse(renderNewRx(input({ order: { ...o, id: 'rx-3' } }))).Message.Body.NewRx.MedicationPrescribed;
      assert.equal(med.Substitutions, '0');
      return med.Quantity.QuantityUnitOfMeasure.Code;
    };
    assert.equal(unit('capsules'), 'C48480');
    assert.equal(unit('mL'), 'C28254');
    assert.equal(unit('tablet'), 'C48542');
    assert.equal(unit('puff'), 'C38046');
  });

  it('tells branded (SBD) from clinical (SCD) RxNorm drugs, and writes an NDC as the ProductCode', () => {
    assert.equal(rxnormQualifier('lisinopril 10 MG Oral Tablet [Zestril]'), 'SBD');
    assert.equal(rxnormQualifier('lisinopril 10 MG Oral Tablet'), 'SCD');
    const o = order();
    o.medicationCodeableConcept!.coding!.push({ system: 'http://hl7.org/fhir/sid/ndc', code: '00000-0000-00' });
    const med = parse(renderNewRx(input({ order: { ...o, id: 'rx-4' } }))).Message.Body.NewRx.MedicationPrescribed;
    assert.deepEqual(med.DrugCoded.ProductCode, { Code: '00000-0000-00', Qualifier: 'ND' });
  });

  it('escapes markup in every text and drops characters XML cannot carry', () => {
    const o = order({ note: [{ text: 'Use </Note><Injected>x</Injected> & "more"\u0001' }] });
    const xml = renderNewRx(input({ order: { ...o, id: 'rx-5' } }));
    assert.ok(!xml.includes('<Injected>'));
    const med = parse(xml).Message.Body.NewRx.MedicationPrescribed;
    assert.equal(med.Note, 'Use </Note><Injected>x</Injected> & "more"');
    assert.equal(escapeText('a<b>&c'), 'a&lt;b&gt;&amp;c');
    assert.equal(escapeAttr(`"x" 'y'`), '&quot;x&quot; &apos;y&apos;');
  });

  it('refuses a pharmacy without an NCPDP ID and a prescriber without an NPI', () => {
    assert.throws(() => renderNewRx(input({ pharmacy: pharmacy('pharm-1', '') })), /NCPDP ID/);
    assert.throws(() => renderNewRx(input({ prescriber: { ...prescriber(), identifier: [] } })), /NPI/);
  });
});
