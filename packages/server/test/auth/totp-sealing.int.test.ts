/**
 * TOTP secrets left by an earlier version, through a real server start: an account enrolled with
 * the secret stored in plain text, and one sealed under a key since rotated, are both sealed under
 * the newest key of CONTINUUM_DATA_KEY when the server starts; each still signs in with its code
 * on the real login page, and an enrolment at sign-in stores only the sealed secret.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Database } from '../../src/db/database.ts';
import { AccountService } from '../../src/identity/accounts.ts';
import { MfaService } from '../../src/identity/mfa.ts';
import { totpCode } from '../../src/identity/totp.ts';
import { dataKeyId, dataKeyring } from '../../src/secrets/data-keys.ts';
import { SecretBox } from '../../src/secrets/secret-box.ts';
import { startTestServer, type TestServer } from '../fixtures/server.ts';
import { buildClinic, PASSWORD, REDIRECT, type Clinic } from './fixtures.ts';
import { frontChannel, pkce } from './oauth-client.ts';

const column = async (db: Database, username: string): Promise<string> =>
  (await db.query<{ totp_secret: string }>("SELECT totp_secret FROM user_account WHERE tenant_id = 'default' AND username = $1", [username])).rows[0]!.totp_secret;

describe('TOTP secrets from an earlier version, at server start', () => {
  let server: TestServer;
  let clinic: Clinic;
  const oldKey = randomBytes(32);
  const newKey = randomBytes(32);
  const secrets: Record<string, string> = {};

  before(async () => {
    server = await startTestServer(
      { CONTINUUM_DATA_KEY: `${newKey.toString('base64')},${oldKey.toString('base64')}` },
      {
        // What the database looked like before this version started on it.
        prepare: async (db) => {
          const accounts = new AccountService(db);
          const old = new MfaService(db, new SecretBox(dataKeyring([oldKey])));
          for (const username of ['dr.plain', 'dr.rotated']) {
            await accounts.create({ tenantId: 'default', username, kind: 'staff', roles: ['physician'], fhirUser: 'Practitioner/legacy', organization: 'Organization/legacy', password: PASSWORD });
            const { secret } = await old.begin('default', username);
            await old.confirm('default', username, await totpCode(secret, new Date(Date.now() - 30_000)));
            secrets[username] = secret;
          }
          await db.query("UPDATE user_account SET totp_secret = $1 WHERE tenant_id = 'default' AND username = 'dr.plain'", [secrets['dr.plain']]);
        },
      },
    );
    clinic = await buildClinic(server);
  });
  after(async () => {
    await server?.close();
  });

  it('are sealed under the newest key at start, and sign in with a code on the login page', async () => {
    for (const username of ['dr.plain', 'dr.rotated']) {
      const stored = await column(server.database.db, username);
      assert.equal(SecretBox.keyIdOf(stored), dataKeyId(newKey), `${username}: sealed under the newest key`);
      assert.ok(!stored.includes(secrets[username]!), `${username}: the secret is not in the column`);
      const params = { clientId: clinic.appId, redirectUri: REDIRECT, scope: 'openid fhirUser user/*.rs', aud: server.base, challenge: pkce().challenge };
      const flow = await frontChannel(server.origin, params, { username, password: PASSWORD, otp: await totpCode(secrets[username]!, new Date()) });
      assert.ok(flow.redirect.searchParams.get('code'), `${username} signs in with password and code`);
    }
  });

  it('an enrolment through the server stores the secret sealed', async () => {
    const mfa = new MfaService(server.database.db, server.server.auth!.secrets);
    const { secret } = await mfa.begin('default', 'nurse.lee');
    const stored = await column(server.database.db, 'nurse.lee');
    assert.equal(SecretBox.keyIdOf(stored), dataKeyId(newKey));
    assert.ok(!stored.includes(secret));
  });
});
