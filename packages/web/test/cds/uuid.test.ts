/** Client-made ids are version 4 UUIDs, fit for urn:uuid. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { newUuid } from '../../src/cds/uuid.ts';

it('makes version 4 UUIDs from random bytes', () => {
  const ids = new Set(Array.from({ length: 200 }, () => newUuid()));
  assert.equal(ids.size, 200, 'no repeats');
  for (const id of ids) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(newUuid((b) => b.fill(0xff)), 'ffffffff-ffff-4fff-bfff-ffffffffffff', 'the version and variant bits are set');
  assert.equal(newUuid((b) => b.fill(0)), '00000000-0000-4000-8000-000000000000');
});
