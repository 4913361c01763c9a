/**
 * Every mail sender, through one shared suite: the sender made from its CONTINUUM_MAIL setting
 * delivers a reset message with its link intact (to a real SMTP peer over plain SMTP with AUTH and
 * over SMTPS, into an .eml file), and the console sender prints the link without the recipient or
 * the body. Then what is particular to each: a relay's refusal, a wrong password, file modes.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { resetLink, resetMessage } from '../../src/identity/reset-mail.ts';
import { createMailSender, type MailSender } from '../../src/mail/mail-sender.ts';
import { parseMailSetting } from '../../src/mail/mail-settings.ts';
import { emlFiles, readEml, readMessage, startSmtpPeer, type ReadMessage } from './mail-peer.ts';

const FROM = 'Riverside Clinic <no-reply@clinic.example>';
const TOKEN = 'Xy_9-abcdefghijklmnopqrstuvwxyz0123456789AB';
const LINK = resetLink('https://ehr.clinic.example', TOKEN);
const MESSAGE = resetMessage('dr.rivera@clinic.example', 'dr.rivera', LINK, 60);

interface Rig {
  sender: MailSender;
  /** What arrived: the decoded message, or for the console the printed lines. */
  arrived(): Promise<ReadMessage | string>;
  close(): Promise<void>;
}

const USER = 'mailer@clinic.example';
const PASS = 'p@ss:w/rd 42%';

const rigs: Record<string, () => Promise<Rig>> = {
  async smtp() {
    const peer = await startSmtpPeer({ user: USER, pass: PASS });
    const url = `smtp://${encodeURIComponent(USER)}:${encodeURIComponent(PASS)}@127.0.0.1:${peer.port}`;
    return {
      sender: createMailSender(parseMailSetting(url), { from: FROM }),
      async arrived() {
        const m = await peer.message(1);
        assert.deepEqual(m.envelopeTo, ['dr.rivera@clinic.example']);
        assert.equal(m.user, USER, 'the relay saw the configured user');
        return readMessage(m.raw);
      },
      close: () => peer.close(),
    };
  },
  async smtps() {
    const peer = await startSmtpPeer({ secure: true });
    // smtp-server's built-in certificate is self-signed: the option to accept one is tested here too.
    return {
      sender: createMailSender(parseMailSetting(`smtps://127.0.0.1:${peer.port}?tls.rejectUnauthorized=false`), { from: FROM }),
      arrived: async () => readMessage((await peer.message(1)).raw),
      close: () => peer.close(),
    };
  },
  async file() {
    const dir = mkdtempSync(join(tmpdir(), 'continuum-mail-'));
    return {
      sender: createMailSender(parseMailSetting(`file:${dir}/out`), { from: FROM }),
      async arrived() {
        const files = emlFiles(join(dir, 'out'));
        assert.equal(files.length, 1);
        return readEml(files[0]!);
      },
      close: async () => rmSync(dir, { recursive: true, force: true }),
    };
  },
  async console() {
    const lines: string[] = [];
    return {
      sender: createMailSender(parseMailSetting('console'), { from: FROM, print: (l) => lines.push(l) }),
      arrived: async () => lines.join('\n'),
      close: async () => undefined,
    };
  },
};

for (const [name, make] of Object.entries(rigs)) {
  describe(`mail sender: ${name}`, () => {
    it('takes the reset message and the link arrives intact', async () => {
      const rig = await make();
      try {
        assert.equal(rig.sender.transport, name === 'smtps' ? 'smtp' : name);
        await rig.sender.send(MESSAGE);
        const got = await rig.arrived();
        if (typeof got === 'string') {
          // The console: the subject and the link, never the recipient or the rest of the body.
          assert.match(got, /Reset your Continuum password/);
          assert.ok(got.split('\n').includes(`  ${LINK}`), got);
          assert.ok(!got.includes('dr.rivera'), 'no recipient or username is printed');
          return;
        }
        assert.equal(got.header('subject'), 'Reset your Continuum password');
        assert.equal(got.header('to'), 'dr.rivera@clinic.example');
        assert.equal(got.header('from'), FROM);
        assert.ok(got.text.includes(`\n${LINK}\n`), `the text part holds the link on its own line: ${got.text}`);
        assert.match(got.text, /the Continuum account "dr\.rivera"/);
        assert.ok(got.html?.includes(`href="${LINK}"`), `the HTML part links to it: ${got.html ?? ''}`);
      } finally {
        await rig.close();
      }
    });
  });
}

describe('mail sender particulars', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('smtp: a wrong password or a refused relay fails the send, without the password in the error', async () => {
    const peer = await startSmtpPeer({ user: USER, pass: PASS });
    try {
      const wrong = createMailSender(parseMailSetting(`smtp://${encodeURIComponent(USER)}:not-the-password@127.0.0.1:${peer.port}`), { from: FROM });
      await assert.rejects(wrong.send(MESSAGE), (e: unknown) => e instanceof Error && /mail relay smtp:\/\/127\.0\.0\.1:\d+ refused or failed/.test(e.message) && !e.message.includes('not-the-password'));
      assert.equal(peer.received.length, 0);
    } finally {
      await peer.close();
    }
    const closed = createMailSender(parseMailSetting(`smtp://127.0.0.1:${peer.port}`), { from: FROM });
    await assert.rejects(closed.send(MESSAGE), /refused or failed/, 'nothing listens any more');
  });

  it('smtp: a refused recipient fails the send, and the error does not name the address', async () => {
    const peer = await startSmtpPeer({ refuseRecipients: true });
    try {
      const sender = createMailSender(parseMailSetting(`smtp://127.0.0.1:${peer.port}`), { from: FROM });
      await assert.rejects(sender.send(MESSAGE), (e: unknown) => e instanceof Error && /refused or failed: .*<address>/.test(e.message) && !e.message.includes('dr.rivera@'));
    } finally {
      await peer.close();
    }
  });

  it('file: one private .eml per message, written whole', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'continuum-mail-'));
    dirs.push(dir);
    const sender = createMailSender(parseMailSetting(`file:${dir}/spool`), { from: FROM });
    await Promise.all([sender.send(MESSAGE), sender.send({ ...MESSAGE, to: 'nurse.lee@clinic.example' })]);
    const files = emlFiles(join(dir, 'spool'));
    assert.equal(files.length, 2);
    assert.deepEqual(readdirSync(join(dir, 'spool')).filter((f) => !f.endsWith('.eml')), [], 'no temporary file is left');
    for (const f of files) assert.equal(statSync(f).mode & 0o777, 0o600, 'readable by the server user only');
    assert.equal(statSync(join(dir, 'spool')).mode & 0o777, 0o700);
    assert.deepEqual(files.map((f) => readEml(f).header('to')).sort(), ['dr.rivera@clinic.example', 'nurse.lee@clinic.example']);
  });
});
