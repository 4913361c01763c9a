/**
 * `continuum users invite PATIENT_ID`, in-process on the backend under test with mail written to
 * .eml files: the patient (or a proxy) gets the same one-time activation link as from
 * `$portal-invite`; a second invitation voids the first; usage errors exit 2, refusals exit 1
 * (unknown patient, no address, another patient's proxy, an active account, no base URL).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { loadDefinitions } from '@continuum/fhir';
import { InvitationService } from '../../src/identity/invitations.ts';
import { runUsers } from '../../src/identity/users-command.ts';
import { createMailSender } from '../../src/mail/mail-sender.ts';
import { SearchParamProvider } from '../../src/search-params/provider.ts';
import { Repository } from '../../src/store/repository.ts';
import { createTestDatabase, type TestDatabase } from '../fixtures/backend.ts';
import { emlFiles, readEml } from '../auth/mail-peer.ts';
import { GOOD_PASSWORD, newTenant } from '../identity/helpers.ts';

const BASE = 'https://portal.clinic.example';

describe('continuum users invite', () => {
  let t: TestDatabase;
  const mailDir = mkdtempSync(join(tmpdir(), 'continuum-invite-cli-'));
  const sender = createMailSender({ transport: 'file', dir: mailDir }, { from: 'clinic@clinic.example' });
  const tenant = newTenant();

  async function users(args: string[], base: string | undefined = BASE): Promise<{ code: number; out: string; err: string }> {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    let err = '';
    stdout.on('data', (c: Buffer) => void (out += c.toString()));
    stderr.on('data', (c: Buffer) => void (err += c.toString()));
    const code = await runUsers(args, { db: t.db, tenant, io: { stdin: Readable.from(['']), stdout, stderr }, resetMail: { sender, base } });
    return { code, out, err };
  }
  const links = (): string[] => emlFiles(mailDir).map((f) => /^(https:\S+\/portal\/activate\?token=([A-Za-z0-9_-]{43}))$/m.exec(readEml(f).text)![2]!);

  before(async () => {
    t = await createTestDatabase();
    loadDefinitions();
    const repo = new Repository({ db: t.db, indexer: await new SearchParamProvider(t.db).indexerFor(tenant) }, tenant);
    await repo.create({ resourceType: 'Patient', name: [{ family: 'Synthetic' }], telecom: [{ system: 'email', value: 'pat.synthetic@example.org' }] }, { id: 'pat-1' });
    await repo.create({ resourceType: 'Patient', name: [{ family: 'Nomail' }] }, { id: 'pat-2' });
    await repo.create({ resourceType: 'RelatedPerson', patient: { reference: 'Patient/pat-1' }, telecom: [{ system: 'email', value: 'parent@example.org' }] }, { id: 'rp-1' });
    await repo.create({ resourceType: 'RelatedPerson', patient: { reference: 'Patient/pat-2' } }, { id: 'rp-2' });
  });
  after(async () => {
    await t?.drop();
    rmSync(mailDir, { recursive: true, force: true });
  });

  it('mails the patient an activation link; a second one voids the first', async () => {
    const first = await users(['invite', 'pat-1']);
    assert.equal(first.code, 0, first.err);
    assert.match(first.out, /^Patient\/pat-1: invitation mailed to p\*\*\*@example\.org \(file\), valid until \d{4}-\d\d-\d\dT[\d:.]+Z; it works once, and replaces any earlier one\n$/);
    assert.equal(readEml(emlFiles(mailDir)[0]!).header('to'), 'pat.synthetic@example.org');
    const second = await users(['invite', 'pat-1', '--email', 'other@example.org']);
    assert.equal(second.code, 0, second.err);
    const [old, fresh] = links();
    const service = new InvitationService(t.db);
    assert.equal((await service.check(tenant, old!)).state, 'spent');
    const open = await service.check(tenant, fresh!);
    assert.equal(open.state, 'open');
    assert.equal(open.state === 'open' ? open.invitation.email : '', 'other@example.org');
  });

  it('invites a proxy by RelatedPerson, at its own address', async () => {
    const res = await users(['invite', 'pat-1', '--related-person', 'rp-1']);
    assert.equal(res.code, 0, res.err);
    assert.match(res.out, /^RelatedPerson\/rp-1: invitation mailed to p\*\*\*@example\.org/);
    const token = links().at(-1)!;
    const account = await t.db.transaction((tx) => new InvitationService(tx).accept(tenant, token, 'parent.synthetic', GOOD_PASSWORD));
    assert.deepEqual([account.kind, account.fhirUser, account.email], ['proxy', 'RelatedPerson/rp-1', 'parent@example.org']);
    const again = await users(['invite', 'pat-1', '--related-person', 'rp-1']);
    assert.equal(again.code, 1);
    assert.match(again.err, /RelatedPerson\/rp-1 already has an active portal account/);
  });

  it('refuses what it cannot send, and bad usage', async () => {
    const before = emlFiles(mailDir).length;
    const refused = async (args: string[], message: RegExp, base?: string) => {
      const res = await users(args, base);
      assert.equal(res.code, 1, res.out);
      assert.match(res.err, message);
    };
    await refused(['invite', 'no-such'], /no Patient\/no-such/);
    await refused(['invite', 'pat-2'], /no email address/);
    await refused(['invite', 'pat-1', '--related-person', 'rp-2'], /not a related person of Patient\/pat-1/);
    await refused(['invite', 'pat-1', '--email', 'nope'], /not an email address/);
    await refused(['invite', 'pat-1'], /CONTINUUM_BASE_URL/, '');
    for (const args of [['invite'], ['invite', '--email', 'x@example.org'], ['invite', 'pat-1', '--username', 'x'], ['invite', 'bad id!']]) {
      assert.equal((await users(args)).code, 2, args.join(' '));
    }
    assert.equal(emlFiles(mailDir).length, before, 'nothing was mailed');
  });
});
