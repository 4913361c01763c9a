/**
 * Access suite, sensitivity labels on their own: which `meta.security` codes restrict a resource
 * (confidentiality R and V, the ActCode sensitivity codes) and which rights cover which codes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { restrictedCodes } from '../../src/access/policy.ts';
import { ACT_CODE_SYSTEM, CONFIDENTIALITY_SYSTEM, rightsCover } from '../../src/access/sensitivity.ts';

const labelled = (security: { system?: string; code?: string }[]) => ({ resourceType: 'Observation', meta: { security } });

describe('restrictedCodes', () => {
  it('finds R and V, not the lower confidentiality levels', () => {
    const codes = ['U', 'L', 'M', 'N', 'R', 'V'].map((code) => ({ system: CONFIDENTIALITY_SYSTEM, code }));
    assert.deepEqual(restrictedCodes(labelled(codes)), ['R', 'V']);
  });

  it('finds the ActCode sensitivity codes', () => {
    const sensitive = ['PSY', 'PSYTHPN', 'SUD', 'ETH', 'HIV', 'STD', 'SEX', 'GDIS', 'SDV', 'BH', 'MH', 'OPIOIDUD', 'ETHUD', 'MST', 'SCA', 'SICKLE', 'SPI', 'TBOO', 'VIO', 'COGN', 'DVD', 'EMOTDIS', 'ADOL', 'CEL', 'EMP', 'PHY', 'PRS'];
    for (const code of sensitive) assert.deepEqual(restrictedCodes(labelled([{ system: ACT_CODE_SYSTEM, code }])), [code], code);
    for (const code of ['HTEST', 'NOAUTH', 'DELAU', 'TREAT']) assert.deepEqual(restrictedCodes(labelled([{ system: ACT_CODE_SYSTEM, code }])), [], code);
  });

  it('checks the system: R is a confidentiality code, PSY an ActCode', () => {
    assert.deepEqual(restrictedCodes(labelled([{ system: ACT_CODE_SYSTEM, code: 'R' }])), []);
    assert.deepEqual(restrictedCodes(labelled([{ system: CONFIDENTIALITY_SYSTEM, code: 'PSY' }])), []);
    assert.deepEqual(restrictedCodes(labelled([{ system: 'http://example.org', code: 'HIV' }])), []);
  });

  it('fails closed on a label without a system', () => {
    assert.deepEqual(restrictedCodes(labelled([{ code: 'V' }, { code: 'SUD' }, { code: 'N' }])), ['V', 'SUD']);
  });

  it('lists each code once, in order, and nothing for unlabelled resources', () => {
    assert.deepEqual(
      restrictedCodes(labelled([{ system: ACT_CODE_SYSTEM, code: 'HIV' }, { system: CONFIDENTIALITY_SYSTEM, code: 'R' }, { code: 'HIV' }, { system: CONFIDENTIALITY_SYSTEM }])),
      ['HIV', 'R'],
    );
    assert.deepEqual(restrictedCodes({ resourceType: 'Observation' }), []);
    assert.deepEqual(restrictedCodes({ resourceType: 'Observation', meta: {} }), []);
  });
});

describe('rightsCover', () => {
  it('covers a code by itself', () => {
    assert.equal(rightsCover(['HIV'], 'HIV'), true);
    assert.equal(rightsCover(['HIV'], 'STD'), false);
    assert.equal(rightsCover([], 'R'), false);
  });

  it('orders confidentiality: V covers R', () => {
    assert.equal(rightsCover(['V'], 'R'), true);
    assert.equal(rightsCover(['R'], 'V'), false);
  });

  it('follows the ActCode hierarchy downwards only', () => {
    assert.equal(rightsCover(['SPI'], 'OPIOIDUD'), true);
    assert.equal(rightsCover(['SUD'], 'ETHUD'), true);
    assert.equal(rightsCover(['BH'], 'COGN'), true);
    assert.equal(rightsCover(['SPI'], 'MH'), true);
    assert.equal(rightsCover(['ETHUD'], 'SUD'), false);
    assert.equal(rightsCover(['BH'], 'PSY'), false, 'siblings');
    assert.equal(rightsCover(['SPI', 'BH', 'PSY', 'MH'], 'PSYTHPN'), false, 'psychotherapy notes need their own right');
  });
});
