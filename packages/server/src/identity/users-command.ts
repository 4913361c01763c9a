/**
 * `continuum users add|list|disable|enable|email|reset-password|role|mfa|invite`: account administration
 * from the command line, on the configured database (the same CONTINUUM_DATA_DIR / DATABASE_URL
 * as `start`; with PGlite, stop the server first). Exit codes: 0 done, 2 usage error, 1 refused
 * or failed. Output never contains a password, hash or TOTP secret; `reset-password --link`
 * prints the one-time token, because handing it over is the point, and `--send` mails the link
 * to the account's address through CONTINUUM_MAIL instead; `invite` mails a patient (or proxy) a
 * portal invitation (users-invite.ts). No command here needs the data key.
 */
import type { Readable, Writable } from 'node:stream';
import { AuditTrail } from '../audit/audit-trail.ts';
import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';
import type { MailSender } from '../mail/mail-sender.ts';
import { openStoreDatabase } from '../store/open-store.ts';
import { AccountService } from './accounts.ts';
import { missingLinks } from './links.ts';
import { isTerminal, promptNewPassword, readAllStdin } from './password-input.ts';
import { PasswordResetService } from './password-reset.ts';
import { ResetLinkMailer } from './reset-mail.ts';
import { ACCOUNT_CHANNEL, AccountError, systemClock, type Clock, type UserAccount } from './types.ts';
import { parseUsersArgs, UsageError, USERS_USAGE, type UsersArgs } from './users-args.ts';
import { inviteCommand } from './users-invite.ts';
import { formatAccounts, describe } from './users-output.ts';

export interface UsersIo {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
}

export interface UsersDeps {
  db: Database;
  tenant: string;
  io: UsersIo;
  clock?: Clock;
  /**
   * How `reset-password --send` and `invite` mail their links: the sender, and the server's
   * public base URL that the link points at (undefined: not known, so nothing can be sent).
   */
  resetMail?: { sender: MailSender; base: string | undefined };
}

async function obtainPassword(args: UsersArgs, io: UsersIo): Promise<string> {
  if (args.passwordStdin) {
    const password = await readAllStdin(io.stdin);
    if (password === '') throw new UsageError('--password-stdin: nothing was given on standard input');
    return password;
  }
  if (args.password !== undefined) {
    io.stderr.write('warning: --password leaves the password in the shell history and the process list; prefer --password-stdin\n');
    return args.password;
  }
  if (isTerminal(io.stdin)) return promptNewPassword(io.stdin, io.stderr);
  throw new UsageError('no password: pipe it in with --password-stdin, or run on a terminal to be asked for it');
}

/**
 * Runs one parsed action against an open database; resolves with the exit code. Every change
 * to an account (creation, roles, disabling, MFA, passwords) is a permission change: it is
 * appended to the audit trail, at high priority, naming the operating-system user who ran it.
 */
export async function usersCommand(args: UsersArgs, deps: UsersDeps): Promise<number> {
  const code = await usersAction(args, deps);
  const onlyShows = args.action === 'list' || (args.action === 'rights' && args.set === undefined && args.add === undefined && args.remove === undefined);
  if (code === 0 && !onlyShows) {
    if (args.action !== 'add' && args.username !== undefined) {
      // Running servers drop the account's cached principals now rather than within 30 s.
      const account = await new AccountService(deps.db).get(args.tenant ?? deps.tenant, args.username).catch(() => undefined);
      if (account) await deps.db.query('SELECT pg_notify($1, $2)', [ACCOUNT_CHANNEL, account.id]);
    }
    const trail = new AuditTrail(deps.db);
    await trail.record({
      tenant: args.tenant ?? deps.tenant,
      action: 'permission-change',
      outcome: 'success',
      priority: 'high',
      username: `os:${process.env.USER ?? process.env.LOGNAME ?? 'unknown'}`,
      clientId: 'continuum-cli',
      detail: `users ${args.action} ${args.username ?? ''}${auditSuffix(args)}`,
    });
    await trail.flush();
  }
  return code;
}

function auditSuffix(args: UsersArgs): string {
  switch (args.action) {
    case 'role':
    case 'rights':
      return ` ${JSON.stringify({ set: args.set, add: args.add, remove: args.remove })}`;
    case 'mfa':
      return ` ${String(args.mfa)}`;
    case 'email':
      return args.clear ? ' cleared' : ' set';
    case 'reset-password':
      return args.send ? ' link mailed' : args.link ? ' link printed' : ' password set';
    case 'invite':
      return `portal invitation for ${args.relatedPerson ? `RelatedPerson/${args.relatedPerson}` : `Patient/${args.patient ?? ''}`}`;
    case 'add':
    case 'list':
    case 'disable':
    case 'enable':
      return '';
    default: {
      const never: never = args.action;
      return String(never);
    }
  }
}

async function usersAction(args: UsersArgs, deps: UsersDeps): Promise<number> {
  const { db, io } = deps;
  const tenant = args.tenant ?? deps.tenant;
  const clock = deps.clock ?? systemClock;
  const accounts = new AccountService(db, clock);
  const say = (s: string): void => void io.stdout.write(`${s}\n`);
  const username = args.username ?? '';
  const done = (a: UserAccount, what: string): number => {
    say(`${a.username}: ${what}`);
    return 0;
  };
  switch (args.action) {
    case 'add': {
      const password = await obtainPassword(args, io);
      const a = await accounts.create({
        tenantId: tenant, username, kind: args.kind!, roles: args.roles, fhirUser: args.fhirUser!,
        organization: args.organization ?? null, email: args.email ?? null, password, mfaRequired: args.mfaRequired,
      });
      say(`created ${describe(a)} in tenant '${tenant}'`);
      if (a.mfaRequired) say(`MFA is required: ${a.username} enrols an authenticator app at first login`);
      const missing = await missingLinks(db, tenant, [a.fhirUser, ...(a.organization ? [a.organization] : [])]);
      for (const ref of missing) io.stderr.write(`note: ${ref} does not exist in tenant '${tenant}' yet; create it before ${a.username} logs in\n`);
      return 0;
    }
    case 'list': {
      const all = await accounts.list(tenant, args.kind);
      io.stdout.write(formatAccounts(all, clock()));
      return 0;
    }
    case 'disable':
      return done(await accounts.disable(tenant, username), 'disabled (cannot log in until enabled)');
    case 'enable':
      return done(await accounts.enable(tenant, username), 'enabled (any lockout cleared)');
    case 'email': {
      const a = await accounts.setEmail(tenant, username, args.clear ? null : (args.email ?? null));
      return done(a, a.email === null ? 'email address removed (reset links cannot be mailed)' : 'email address set (reset links are mailed there)');
    }
    case 'reset-password': {
      if (args.send) {
        // The reset page serves the configured tenant only: a link for another would not work.
        if (tenant !== deps.tenant) throw new AccountError('invalid', `--send: the server's reset page serves tenant '${deps.tenant}' (CONTINUUM_TENANT); a link for tenant '${tenant}' would not work there`);
        if (!deps.resetMail?.base) throw new AccountError('invalid', '--send: set CONTINUUM_BASE_URL to the public address of the server, so that the link points at its reset page');
        const { account, expiresAt } = await new ResetLinkMailer({ db, mail: deps.resetMail.sender, clock }).sendTo(tenant, username, deps.resetMail.base);
        return done(account, `reset link mailed to the account's address (${deps.resetMail.sender.transport}), valid until ${expiresAt.toISOString()}; it works once`);
      }
      if (args.link) {
        const { token, expiresAt } = await new PasswordResetService(db, clock).issue(tenant, username);
        say(`one-time password reset token for ${username} (tenant '${tenant}'), valid until ${expiresAt.toISOString()}:`);
        say(`  ${token}`);
        say('It works once; issuing another retires it. The user sets a new password with it at /auth/reset on the server.');
        return 0;
      }
      await accounts.get(tenant, username); // an unknown user fails before the password is asked for
      const a = await accounts.setPassword(tenant, username, await obtainPassword(args, io));
      return done(a, 'password set (lockout cleared, outstanding reset links retired)');
    }
    case 'role': {
      const current = await accounts.get(tenant, username);
      const next = args.set ?? [...current.roles.filter((r) => !(args.remove ?? []).includes(r)), ...(args.add ?? [])];
      const a = await accounts.setRoles(tenant, username, next);
      say(`${a.username}: roles ${a.roles.length > 0 ? a.roles.join(', ') : '(none)'}`);
      if (a.mfaRequired && !a.mfaEnabled) say(`${a.username} has no MFA yet: it is required (admin) and is enrolled at the next login`);
      return 0;
    }
    case 'rights': {
      const current = await accounts.securityRights(tenant, username);
      if (args.set === undefined && args.add === undefined && args.remove === undefined) {
        say(`${username}: may see ${current.length > 0 ? current.join(', ') : 'no restricted labels'}`);
        return 0;
      }
      const next = args.set ?? [...current.filter((r) => !(args.remove ?? []).includes(r)), ...(args.add ?? [])];
      const rights = await accounts.setSecurityRights(tenant, username, next);
      say(`${username}: may see ${rights.length > 0 ? rights.join(', ') : 'no restricted labels'} (signed-in sessions pick this up within 30 s)`);
      return 0;
    }
    case 'mfa': {
      if (args.mfa === 'reset') return done(await accounts.resetMfa(tenant, username), 'MFA reset (device and recovery codes forgotten); enrol again at the next login');
      const a = await accounts.setMfaRequired(tenant, username, args.mfa === 'require');
      return done(a, a.mfaRequired ? 'MFA required' : 'MFA optional');
    }
    case 'invite':
      say(await inviteCommand(args, db, tenant, deps.tenant, deps.resetMail));
      return 0;
    default: {
      const never: never = args.action;
      throw new Error(`unhandled action ${String(never)}`);
    }
  }
}

function usage(io: UsersIo, message: string): number {
  io.stderr.write(`continuum users: ${message}\nUsage: continuum ${USERS_USAGE}\n`);
  return 2;
}

function parse(argv: readonly string[], io: UsersIo): UsersArgs | number {
  try {
    return parseUsersArgs(argv);
  } catch (err) {
    if (err instanceof UsageError) return usage(io, err.message);
    throw err;
  }
}

async function runParsed(args: UsersArgs, deps: UsersDeps): Promise<number> {
  try {
    return await usersCommand(args, deps);
  } catch (err) {
    if (err instanceof UsageError) return usage(deps.io, err.message);
    if (!(err instanceof AccountError)) throw err;
    deps.io.stderr.write(`continuum users ${args.action}: ${err.message}\n`);
    return 1;
  }
}

/** The command on an open database (tests, and callers that hold one); resolves with the exit code. */
export async function runUsers(argv: readonly string[], deps: UsersDeps): Promise<number> {
  const args = parse(argv, deps.io);
  return typeof args === 'number' ? args : runParsed(args, deps);
}

/** `continuum users ...`: parses, opens the configured database, runs; resolves with the exit code. */
export async function runUsersCommand(argv: readonly string[], config: Config, io: UsersIo): Promise<number> {
  const args = parse(argv, io);
  if (typeof args === 'number') return args;
  // Mail is loaded only to send: the other actions never load nodemailer.
  const resetMail = args.send || args.action === 'invite' ? await configuredResetMail(config) : undefined;
  const db = await openStoreDatabase({ dataDir: config.dataDir, poolSize: 2, ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}) });
  try {
    return await runParsed(args, { db, tenant: config.defaultTenant, io, ...(resetMail ? { resetMail } : {}) });
  } finally {
    await db.close();
  }
}

/**
 * The configured sender, and where links point: CONTINUUM_BASE_URL, or for the console sender
 * (a developer's machine) the local server on PORT.
 */
async function configuredResetMail(config: Config): Promise<{ sender: MailSender; base: string | undefined }> {
  const { createMailSender } = await import('../mail/mail-sender.ts');
  const sender = createMailSender(config.mail, { from: config.mailFrom });
  return { sender, base: config.baseUrl ?? (sender.transport === 'console' ? `http://localhost:${config.port}` : undefined) };
}
