/**
 * Identity suite, TOTP and recovery codes without a database: the RFC 6238 reference vector, the
 * ±1 step window on a fixed clock, replay refusal by step, the otpauth URI and QR code, and
 * recovery codes that are random, hashed and matched regardless of case and dashes.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { matchRecoveryCode, newRecoveryCodes, RECOVERY_CODE_COUNT } from '../../src/identity/recovery-codes.ts';
import { newTotpSecret, totpCode, totpQrDataUrl, totpUri, verifyTotp } from '../../src/identity/totp.ts';

// RFC 6238 appendix B: the ASCII secret "12345678901234567890" (base32 below), SHA-1, 8 digits
// gives 94287082 at T=59; its last six digits are the 6-digit code.
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

it('matches the RFC 6238 test vector', async () => {
  assert.equal(await totpCode(RFC_SECRET, new Date(59_000)), '287082');
  assert.equal(await totpCode(RFC_SECRET, new Date(1_111_111_109_000)), '081804');
});

it('accepts the previous, current and next step only', async () => {
  const secret = newTotpSecret();
  assert.match(secret, /^[A-Z2-7]{32}$/);
  const at = new Date('2031-03-04T05:06:00.000Z'); // on a step boundary
  const code = await totpCode(secret, at);
  const step = Math.floor(at.getTime() / 30_000);
  assert.equal(await verifyTotp(secret, code, at, null), step);
  assert.equal(await verifyTotp(secret, code, new Date(at.getTime() + 30_000), null), step, 'one step late');
  assert.equal(await verifyTotp(secret, code, new Date(at.getTime() - 30_000), null), step, 'one step early');
  assert.equal(await verifyTotp(secret, code, new Date(at.getTime() + 60_000), null), undefined, 'two steps late');
  assert.equal(await verifyTotp(secret, code, new Date(at.getTime() - 60_000), null), undefined, 'two steps early');
});

it('refuses a step at or before the last one accepted, and anything but six digits', async () => {
  const secret = newTotpSecret();
  const at = new Date('2031-03-04T05:06:10.000Z');
  const code = await totpCode(secret, at);
  const step = Math.floor(at.getTime() / 30_000);
  assert.equal(await verifyTotp(secret, code, at, step), undefined);
  assert.equal(await verifyTotp(secret, code, at, step - 1), step);
  assert.equal(await verifyTotp(secret, `${code.slice(0, 3)} ${code.slice(3)}`, at, null), step, 'spaces are ignored');
  for (const bad of ['', '12345', '1234567', 'abcdef', "1' OR '1"]) assert.equal(await verifyTotp(secret, bad, at, null), undefined, bad);
});

it('builds the otpauth URI and a QR code PNG of it', async () => {
  const uri = totpUri('JBSWY3DPEHPK3PXP', 'dr.rivera', 'clinic-1');
  const url = new URL(uri);
  assert.equal(url.protocol, 'otpauth:');
  assert.equal(url.host, 'totp');
  assert.equal(decodeURIComponent(url.pathname), '/Continuum:clinic-1:dr.rivera');
  assert.equal(url.searchParams.get('secret'), 'JBSWY3DPEHPK3PXP');
  assert.equal(url.searchParams.get('issuer'), 'Continuum');
  const png = await totpQrDataUrl(uri);
  assert.match(png, /^data:image\/png;base64,/);
  assert.deepEqual([...Buffer.from(png.split(',')[1]!, 'base64').subarray(1, 4)], [0x50, 0x4e, 0x47], 'PNG signature');
});

it('issues ten distinct recovery codes, stored only as argon2id hashes', async () => {
  const { codes, hashes } = await newRecoveryCodes();
  assert.equal(codes.length, RECOVERY_CODE_COUNT);
  assert.equal(new Set(codes).size, RECOVERY_CODE_COUNT);
  for (const c of codes) assert.match(c, /^[A-HJ-NP-Z2-9]{5}-[A-HJ-NP-Z2-9]{5}$/);
  for (const h of hashes) assert.match(h, /^\$argon2id\$/);
  assert.ok(hashes.every((h) => codes.every((c) => !h.includes(c.replace('-', '')))));
  assert.equal(await matchRecoveryCode(hashes, codes[3]!), hashes[3]);
  assert.equal(await matchRecoveryCode(hashes, codes[7]!.toLowerCase().replace('-', ' ')), hashes[7]);
  assert.equal(await matchRecoveryCode(hashes, 'AAAAA-AAAAA'), undefined);
  assert.equal(await matchRecoveryCode(hashes, 'short'), undefined);
});
