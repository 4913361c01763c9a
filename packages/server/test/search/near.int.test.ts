/**
 * `Location?near=latitude|longitude|distance|units` over real HTTP, with places whose great-circle
 * distances are known: central Paris to Versailles is 17.9 km, to London 343.6 km (213.5 miles),
 * to the north pole 4,565 km, to New York 5,837 km. Checked: distance thresholds on both sides of a place, every accepted
 * unit, the default unit (km) and the default distance (NEAR_DEFAULT_KM), OR-ed points, boxes
 * across the antimeridian and around a pole, `:missing`, `_sort` by distance with keyset paging,
 * a chain through Encounter.location, a moved and a deleted Location, the CapabilityStatement,
 * and 400 OperationOutcomes (never 500) for malformed values.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { NEAR_DEFAULT_KM } from '@continuum/fhir';
import { startTestServer, type TestServer } from '../fixtures/server.ts';
import { allPages, put, remove, sorted } from './client.ts';

let s: TestServer;
const PARIS = '48.8566|2.3522';

const place = (latitude: number, longitude: number) => ({ position: { latitude, longitude } });
const LOCATIONS: Record<string, Record<string, unknown>> = {
  'nr-paris': { name: 'Paris', ...place(48.8566, 2.3522) },
  'nr-versailles': { name: 'Versailles', ...place(48.8049, 2.1204) },
  'nr-london': { name: 'London', ...place(51.5074, -0.1278) },
  'nr-newyork': { name: 'New York', ...place(40.7128, -74.006) },
  // 21.3 km apart across the antimeridian, and 22.2 km apart across the north pole.
  'nr-fiji-east': { name: 'East of 180', ...place(-17, 179.9) },
  'nr-fiji-west': { name: 'West of 180', ...place(-17, -179.9) },
  'nr-pole-a': { name: 'Pole A', ...place(89.9, 0) },
  'nr-pole-b': { name: 'Pole B', ...place(89.9, 180) },
  'nr-nowhere': { name: 'No position' },
  'nr-bad': { name: 'Out-of-range position', ...place(95, 10) },
};

before(async () => {
  s = await startTestServer();
  for (const [id, body] of Object.entries(LOCATIONS)) await put(s, 'Location', id, body);
  await put(s, 'Encounter', 'nr-enc-paris', { status: 'finished', class: { code: 'AMB' }, location: [{ location: { reference: 'Location/nr-paris' } }] });
  await put(s, 'Encounter', 'nr-enc-london', { status: 'finished', class: { code: 'AMB' }, location: [{ location: { reference: 'Location/nr-london' } }] });
});
after(async () => {
  await s.close();
});

/** The ids a search matches, over every page, sorted unless `ordered`. */
async function found(query: string, ordered = false): Promise<string[]> {
  const pages = await allPages(s, query);
  const ids = pages.flatMap((p) => p.entries.filter((e) => e.search?.mode === 'match').map((e) => e.resource.id));
  return ordered ? ids : sorted(ids);
}

const near = (value: string, extra = ''): Promise<string[]> => found(`/Location?near=${encodeURIComponent(value)}${extra}`);

describe('near', () => {
  it('finds the places within the distance, on both sides of each known distance', async () => {
    assert.deepEqual(await near(`${PARIS}|20|km`), ['nr-paris', 'nr-versailles']);
    assert.deepEqual(await near(`${PARIS}|17.8|km`), ['nr-paris']);
    assert.deepEqual(await near(`${PARIS}|343.5|km`), ['nr-paris', 'nr-versailles']);
    assert.deepEqual(await near(`${PARIS}|343.6|km`), ['nr-london', 'nr-paris', 'nr-versailles']);
    assert.deepEqual(await near(`${PARIS}|0|km`), ['nr-paris'], 'distance 0 finds the exact point');
    // The north pole is 4,565 km from Paris, New York 5,837 km.
    assert.deepEqual(await near(`${PARIS}|5000|km`), ['nr-london', 'nr-paris', 'nr-pole-a', 'nr-pole-b', 'nr-versailles']);
    assert.deepEqual(await near(`${PARIS}|6000|km`), ['nr-london', 'nr-newyork', 'nr-paris', 'nr-pole-a', 'nr-pole-b', 'nr-versailles']);
  });

  it('takes the distance in km, m, [mi_i] or mi, and km when no unit is given', async () => {
    assert.deepEqual(await near(`${PARIS}|18000|m`), ['nr-paris', 'nr-versailles']);
    assert.deepEqual(await near(`${PARIS}|17800|m`), ['nr-paris']);
    assert.deepEqual(await near(`${PARIS}|213.5|[mi_i]`), ['nr-london', 'nr-paris', 'nr-versailles']);
    assert.deepEqual(await near(`${PARIS}|213.4|mi`), ['nr-paris', 'nr-versailles']);
    assert.deepEqual(await near(`${PARIS}|20|http://unitsofmeasure.org|km`), ['nr-paris', 'nr-versailles']);
    assert.deepEqual(await near(`${PARIS}|18`), ['nr-paris', 'nr-versailles']);
    assert.deepEqual(await near(`${PARIS}|17.8`), ['nr-paris']);
  });

  it(`searches within ${NEAR_DEFAULT_KM} km when no distance is given`, async () => {
    assert.equal(NEAR_DEFAULT_KM, 50);
    assert.deepEqual(await near(PARIS), ['nr-paris', 'nr-versailles']);
    assert.deepEqual(await near(`${PARIS}||km`), ['nr-paris', 'nr-versailles']);
    assert.deepEqual(await near('51.5|-0.13'), ['nr-london']);
  });

  it('ORs comma-separated points and ANDs repeated parameters', async () => {
    assert.deepEqual(await near(`${PARIS}|1,51.5074|-0.1278|1`), ['nr-london', 'nr-paris']);
    assert.deepEqual(await found(`/Location?near=${encodeURIComponent(`${PARIS}|20`)}&near=${encodeURIComponent('48.8049|2.1204|1')}`), ['nr-versailles']);
    assert.deepEqual(await found(`/Location?near=${encodeURIComponent(`${PARIS}|20`)}&name=versailles`), ['nr-versailles']);
  });

  it('finds points across the antimeridian and across a pole', async () => {
    assert.deepEqual(await near('-17|179.9|22|km'), ['nr-fiji-east', 'nr-fiji-west']);
    assert.deepEqual(await near('-17|179.9|21|km'), ['nr-fiji-east']);
    assert.deepEqual(await near('-17|-179.9|22|km'), ['nr-fiji-east', 'nr-fiji-west']);
    assert.deepEqual(await near('89.9|0|23|km'), ['nr-pole-a', 'nr-pole-b']);
    assert.deepEqual(await near('89.9|0|22|km'), ['nr-pole-a']);
    assert.deepEqual(await near('90|-45|12|km'), ['nr-pole-a', 'nr-pole-b'], 'from the pole itself, every longitude is near');
    assert.equal((await near('0|0|25000|km')).length, 8, 'a distance beyond half the globe finds every valid position');
  });

  it(':missing tells Locations with a usable position from those without', async () => {
    assert.deepEqual(await found('/Location?near:missing=true&_id=nr-paris,nr-nowhere,nr-bad'), ['nr-bad', 'nr-nowhere']);
    assert.deepEqual(await found('/Location?near:missing=false&_id=nr-paris,nr-nowhere,nr-bad'), ['nr-paris']);
  });

  it('sorts by distance from the searched point, both ways, and pages by keyset in that order', async () => {
    const query = `/Location?near=${encodeURIComponent(`${PARIS}|6000`)}`;
    const byDistance = ['nr-paris', 'nr-versailles', 'nr-london', 'nr-pole-a', 'nr-pole-b', 'nr-newyork'];
    assert.deepEqual(await found(`${query}&_sort=near`, true), byDistance);
    assert.deepEqual(await found(`${query}&_sort=-near`, true), [...byDistance].reverse());
    assert.deepEqual(await found(`${query}&_sort=near&_count=1`, true), byDistance);
    assert.deepEqual(await found(`${query}&_sort=-near,_id&_count=4`, true), [...byDistance].reverse());
    // With two points, each resource sorts by its distance to the closer one (Versailles is nearer London than Paris is).
    const two = `/Location?near=${encodeURIComponent('51.5|-0.13|400,40.7|-74|10')}&_sort=near`;
    assert.deepEqual(await found(two, true), ['nr-london', 'nr-newyork', 'nr-versailles', 'nr-paris']);
  });

  it('follows a chain from Encounter.location', async () => {
    assert.deepEqual(await found(`/Encounter?location.near=${encodeURIComponent(`${PARIS}|20`)}`), ['nr-enc-paris']);
  });

  it('follows a moved Location, and forgets a deleted one', async () => {
    await put(s, 'Location', 'nr-mobile', { name: 'Mobile unit', ...place(48.85, 2.35) });
    assert.ok((await near(`${PARIS}|5`)).includes('nr-mobile'), 'found at its first position');
    await put(s, 'Location', 'nr-mobile', { name: 'Mobile unit', ...place(51.5, -0.12) });
    assert.deepEqual(await near(`${PARIS}|5`), ['nr-paris']);
    assert.deepEqual(await near('51.5|-0.12|5'), ['nr-london', 'nr-mobile']);
    await remove(s, 'Location', 'nr-mobile');
    assert.deepEqual(await near('51.5|-0.12|5'), ['nr-london']);
  });

  it('is supported under strict handling and listed for Location in the CapabilityStatement', async () => {
    const res = await s.request('GET', `/Location?near=${encodeURIComponent(`${PARIS}|1`)}`, { headers: { prefer: 'handling=strict' } });
    assert.equal(res.status, 200, res.text);
    const cs = await s.request('GET', '/metadata');
    const location = cs.json.rest[0].resource.find((r: { type: string }) => r.type === 'Location');
    const param = location.searchParam.find((p: { name: string }) => p.name === 'near');
    assert.deepEqual(param, { name: 'near', type: 'special', definition: 'http://hl7.org/fhir/SearchParameter/Location-near' });
  });
});

describe('near errors', () => {
  const bad: [string, RegExp][] = [
    ['near=abc|2.35|10', /latitude/],
    ['near=95|2.35|10', /latitude/],
    ['near=-90.5|2.35', /latitude/],
    ['near=48.85|180.1|10', /longitude/],
    ['near=48.85|east|10', /longitude/],
    ['near=48.85', /latitude and a longitude/],
    ['near=', /latitude/],
    ['near=NaN|2', /latitude/],
    ['near=Infinity|2', /latitude/],
    ['near=1e999|2', /latitude/],
    ['near=48.85|2.35|-5|km', /distance/],
    ['near=48.85|2.35|ten|km', /distance/],
    ['near=48.85|2.35|0x10|km', /distance/],
    ['near=48.85|2.35|10|furlongs', /unit/],
    ['near=48.85|2.35|10|constructor', /unit/],
    ['near=48.85|2.35|10|KM', /unit/],
    ['near=48.85|2.35|10|http://example.org|km', /UCUM/],
    ['near=48.85|2.35|10|http://unitsofmeasure.org|km|x', /UCUM/],
    ['near:exact=48.85|2.35', /Modifier/],
    ['near:below=48.85|2.35', /Modifier/],
    ['near:missing=maybe', /missing/],
    ['_sort=near', /near/],
    ['name=x&_sort=-near', /near/],
  ];
  for (const [query, message] of bad) {
    it(`answers 400 for ${query}`, async () => {
      const res = await s.request('GET', `/Location?${query.replace(/\|/g, '%7C')}`);
      assert.equal(res.status, 400, `${query}: ${res.status} ${res.text}`);
      assert.equal(res.json.resourceType, 'OperationOutcome', query);
      assert.match(res.json.issue[0].diagnostics ?? res.json.issue[0].details?.text ?? '', message, query);
    });
  }

  it('answers a POST _search with a malformed near the same way', async () => {
    const res = await s.request('POST', '/Location/_search', { raw: 'near=91%7C0%7C10', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(res.status, 400, res.text);
    assert.equal(res.json.resourceType, 'OperationOutcome');
  });
});
