/**
 * Lab and imaging orders from the catalogue (pure): the catalogue built from the served
 * definitions; an order set becomes one transaction of orders sharing a requisition, one Specimen
 * per specimen type referenced by its orders; an imaging order carries its category, LOINC code
 * and body site; the forms' checks.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ServiceRequest, Specimen } from '@medplum/fhirtypes';
import { catalogueResources } from '../../../server/src/orders/catalogue.ts';
import { readCatalogue } from '../../../server/src/orders/seed-catalogue.ts';
import { buildImagingOrder, buildLabOrders, catalogueFrom, checkImaging, checkLabSet, emptyImaging, emptyLabSet, isImagingOrder, shortNumber, type Catalogue } from '../../src/clinician/orders/lab-model.ts';
import type { OrderContext } from '../../src/clinician/orders/order-model.ts';

// The catalogue exactly as the server seeds and serves it.
async function catalogue(): Promise<Catalogue> {
  const all = catalogueResources(await readCatalogue());
  const of = <T>(type: string) => all.filter((r) => r.resourceType === type) as T[];
  return catalogueFrom(of('PlanDefinition'), of('ActivityDefinition'), of('SpecimenDefinition'), of<{ resourceType: 'Organization'; id: string; name: string }>('Organization')[0]);
}

const ctx: OrderContext = { patient: 'Patient/p1', requester: 'Practitioner/dr', encounter: 'Encounter/e1', now: new Date('2026-11-20T09:00:00Z') };
let n = 0;
const numbers = { requisition: 'R-TEST', placer: (i: number) => `R-TEST-${i + 1}`, uuid: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}` };

describe('lab orders from the catalogue', () => {
  it('reads order sets with their tests, specimens and panel members', async () => {
    const cat = await catalogue();
    const preop = cat.sets.find((s) => s.title === 'Pre-op basic')!;
    assert.deepEqual(preop.items.map((i) => i.code.code), ['58410-2', '24320-4', '6301-6']);
    assert.equal(preop.items[0]!.specimen?.text, 'Whole blood');
    assert.ok(preop.items[1]!.members.some((m) => m.code === '2951-2'), 'the BMP lists sodium');
    assert.equal(cat.lab?.reference, 'Organization/continuum-demo-lab');
    assert.ok(cat.items.some((i) => i.kind === 'imaging' && i.code.code === '36643-5' && i.bodySite === 'Chest'));
  });

  it('turns a set into one transaction: an order per test, one specimen per specimen type', async () => {
    const cat = await catalogue();
    const set = cat.sets.find((s) => s.title === 'Diabetes annual')!;
    const draft = { ...emptyLabSet(), set: set.canonical, tests: set.items.map((i) => i.canonical), fasting: true, priority: 'urgent' as const, reasons: [{ reference: 'Condition/dm', display: 'Diabetes' }] };
    const { orders, specimens, bundle } = buildLabOrders(draft, cat, ctx, numbers);
    assert.equal(orders.length, 4);
    // HbA1c (blood), CMP and lipids (serum, one tube), UACR (urine).
    assert.deepEqual(specimens.map((s) => s.type?.coding?.[0]?.code).sort(), ['BLD', 'SER', 'UR']);
    assert.equal(bundle.type, 'transaction');
    assert.equal(bundle.entry!.length, 7);
    const serum = bundle.entry!.find((e) => (e.resource as Specimen).type?.coding?.[0]?.code === 'SER')!;
    const serumOrders = orders.filter((o) => o.specimen?.[0]?.reference === serum.fullUrl).map((o) => o.code?.coding?.[0]?.code);
    assert.deepEqual(serumOrders.sort(), ['24323-8', '57698-3']);
    assert.equal((serum.resource as Specimen).request?.length, 2);
    for (const [i, o] of orders.entries()) {
      assert.equal(o.requisition?.value, 'R-TEST');
      assert.equal(o.identifier?.[0]?.value, `R-TEST-${i + 1}`);
      assert.equal(o.identifier?.[0]?.type?.coding?.[0]?.code, 'PLAC');
      assert.deepEqual(o.instantiatesCanonical?.slice(1), [set.canonical]);
      assert.equal(o.priority, 'urgent');
      assert.equal(o.performer?.[0]?.reference, 'Organization/continuum-demo-lab');
      assert.equal(o.note?.[0]?.text, 'Fasting specimen requested.');
      assert.equal(o.encounter?.reference, 'Encounter/e1');
      assert.ok(!isImagingOrder(o));
    }
  });

  it('refuses an empty lab draft and an imaging draft without study, site or reason', () => {
    assert.ok(checkLabSet(emptyLabSet()).tests);
    const e = checkImaging(emptyImaging());
    assert.deepEqual(Object.keys(e).sort(), ['bodySite', 'reasons', 'study']);
    assert.deepEqual(checkImaging({ ...emptyImaging(), study: 'x', bodySite: 'Chest', noteToRadiology: 'Cough for 3 weeks' }), {});
  });

  it('builds an imaging order of category Imaging with its body site', async () => {
    const cat = await catalogue();
    const study = cat.items.find((i) => i.code.code === '36643-5')!;
    const order: ServiceRequest = buildImagingOrder({ ...emptyImaging(), study: study.canonical, bodySite: 'Chest', noteToRadiology: 'Cough for 3 weeks' }, cat, ctx, 'I-1');
    assert.equal(order.category?.[0]?.coding?.[0]?.code, '363679005');
    assert.equal(order.code?.coding?.[0]?.code, '36643-5');
    assert.deepEqual(order.bodySite, [{ text: 'Chest' }]);
    assert.ok(isImagingOrder(order));
    assert.equal(order.specimen, undefined);
  });

  it('makes short readable numbers', () => {
    assert.equal(shortNumber('R', new Uint8Array([0, 1, 31, 32])), 'R-23Z2');
  });
});
