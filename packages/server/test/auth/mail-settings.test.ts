/**
 * The mail and data-key settings as configFromEnv reads them: CONTINUUM_MAIL's three forms, a
 * clear refusal of anything else that never repeats a relay password, the From address, and the
 * data-key variables passed through.
 */
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { configFromEnv } from '../../src/config.ts';
import { describeMailSetting, parseMailSetting } from '../../src/mail/mail-settings.ts';

describe('CONTINUUM_MAIL', () => {
  it('is console by default, or an smtp(s) URL, or a folder for .eml files', () => {
    assert.deepEqual(parseMailSetting(undefined), { transport: 'console' });
    assert.deepEqual(parseMailSetting(' console '), { transport: 'console' });
    assert.deepEqual(parseMailSetting('smtp://relay.clinic.example:587'), { transport: 'smtp', url: 'smtp://relay.clinic.example:587' });
    assert.deepEqual(parseMailSetting('smtps://u:p@relay.clinic.example?requireTLS=true'), { transport: 'smtp', url: 'smtps://u:p@relay.clinic.example?requireTLS=true' });
    assert.deepEqual(parseMailSetting('file:./data/mail'), { transport: 'file', dir: resolve('./data/mail') });
    assert.deepEqual(parseMailSetting('file:///var/spool/continuum'), { transport: 'file', dir: '/var/spool/continuum' });
  });

  it('refuses anything else clearly, and never repeats the password', () => {
    for (const [value, message] of [
      ['sendmail', /must be console, smtp:\/\/user:pass@host:port/],
      ['file:', /needs a folder/],
      ['smtp://user:s3cret-pass@relay.example/path', /has no path/],
      ['smtp://user:s3cret-pass@relay.example?pool=true', /unknown smtp option 'pool'/],
      ['smtp://user:s3cret-pass@relay.example?requireTLS=yes', /requireTLS must be true or false/],
      ['smtp://user:s3cret-pass@[bad', /not a valid smtp:\/\/ or smtps:\/\/ URL/],
    ] as const) {
      assert.throws(() => parseMailSetting(value), (e: unknown) => e instanceof Error && message.test(e.message) && !e.message.includes('s3cret'), value);
    }
    assert.throws(() => configFromEnv({ CONTINUUM_MAIL: 'smtp://u:s3cret@relay.example/x' }), (e: unknown) => e instanceof Error && !e.message.includes('s3cret'));
  });

  it('is described for logs without the user or password', () => {
    assert.equal(describeMailSetting(parseMailSetting('smtps://mailer:s3cret@relay.clinic.example:465')), 'smtps://relay.clinic.example:465');
    assert.equal(describeMailSetting(parseMailSetting('console')), 'console (printed, not sent)');
  });
});

describe('mail and data-key configuration', () => {
  it('reads the From address (default: no-reply at the base URL host) and the data-key variables', () => {
    const plain = configFromEnv({});
    assert.deepEqual(plain.mail, { transport: 'console' });
    assert.equal(plain.mailFrom, 'Continuum <no-reply@localhost>');
    assert.equal(plain.dataKeys, undefined);
    const set = configFromEnv({ CONTINUUM_BASE_URL: 'https://ehr.clinic.example/', CONTINUUM_DATA_KEY: 'abc', CONTINUUM_DATA_KEY_FILE: '/run/secrets/data-key' });
    assert.equal(set.mailFrom, 'Continuum <no-reply@ehr.clinic.example>');
    assert.equal(set.dataKeys, 'abc');
    assert.equal(set.dataKeyFile, '/run/secrets/data-key');
    assert.equal(configFromEnv({ CONTINUUM_MAIL_FROM: 'Clinic <it@clinic.example>' }).mailFrom, 'Clinic <it@clinic.example>');
    assert.throws(() => configFromEnv({ CONTINUUM_MAIL_FROM: 'a@b.example\r\nBcc: x@y.example' }), /must be one address/);
  });
});
