/**
 * Parsing `continuum users <action> [options]` strictly: each action takes its own options, the
 * required ones must be there, and anything else is a usage error (exit code 2) that says what
 * was wrong. No database is opened before the arguments are known to be good.
 */
import { isUserKind, type UserKind } from './types.ts';

export const USERS_USAGE_LINES = [
  'users add --username U --kind staff|patient|proxy --fhir-user Type/id [--role R[,R...]] [--organization Organization/id] [--email E] [--mfa-required] [--password-stdin] [--tenant T]',
  'users list [--kind K] [--tenant T]',
  'users disable|enable --username U [--tenant T]',
  'users email --username U (--email E | --clear) [--tenant T]',
  'users reset-password --username U [--password-stdin | --link | --send] [--tenant T]',
  'users role --username U (--set R[,R...] | --add R[,R...] | --remove R[,R...]) [--tenant T]',
  'users rights --username U [--set L[,L...] | --add L[,L...] | --remove L[,L...]] [--tenant T]',
  'users mfa --username U (--require | --optional | --reset) [--tenant T]',
  'users invite PATIENT_ID [--email E] [--related-person ID] [--tenant T]',
];
export const USERS_USAGE = USERS_USAGE_LINES.join('\n       continuum ');

export class UsageError extends Error {}

export type UsersAction = 'add' | 'list' | 'disable' | 'enable' | 'email' | 'reset-password' | 'role' | 'rights' | 'mfa' | 'invite';

export interface UsersArgs {
  action: UsersAction;
  tenant?: string;
  username?: string;
  kind?: UserKind;
  roles: string[];
  fhirUser?: string;
  organization?: string;
  email?: string;
  /** `users email --clear`: remove the address. */
  clear: boolean;
  /** Given on the command line (visible to other local users: warned about). */
  password?: string;
  passwordStdin: boolean;
  link: boolean;
  /** `reset-password --send`: mail the link to the account's address. */
  send: boolean;
  mfaRequired: boolean;
  set?: string[];
  add?: string[];
  remove?: string[];
  mfa?: 'require' | 'optional' | 'reset';
  /** `invite`: the Patient id (the first argument), and the proxy's RelatedPerson id. */
  patient?: string;
  relatedPerson?: string;
}

const VALUE_OPTIONS = ['--tenant', '--username', '--kind', '--role', '--roles', '--fhir-user', '--organization', '--email', '--password', '--set', '--add', '--remove', '--related-person'];
const FLAGS = ['--password-stdin', '--link', '--send', '--clear', '--mfa-required', '--require', '--optional', '--reset'];

const ALLOWED: Record<UsersAction, string[]> = {
  add: ['--tenant', '--username', '--kind', '--role', '--roles', '--fhir-user', '--organization', '--email', '--password', '--password-stdin', '--mfa-required'],
  list: ['--tenant', '--kind'],
  disable: ['--tenant', '--username'],
  enable: ['--tenant', '--username'],
  email: ['--tenant', '--username', '--email', '--clear'],
  'reset-password': ['--tenant', '--username', '--password', '--password-stdin', '--link', '--send'],
  role: ['--tenant', '--username', '--set', '--add', '--remove'],
  rights: ['--tenant', '--username', '--set', '--add', '--remove'],
  mfa: ['--tenant', '--username', '--require', '--optional', '--reset'],
  invite: ['--tenant', '--email', '--related-person'],
};

const REQUIRED: Record<UsersAction, string[]> = {
  add: ['--username', '--kind', '--fhir-user'],
  list: [],
  disable: ['--username'],
  enable: ['--username'],
  email: ['--username'],
  'reset-password': ['--username'],
  role: ['--username'],
  rights: ['--username'],
  mfa: ['--username'],
  invite: [],
};

const ID = /^[A-Za-z0-9.-]{1,64}$/;

const isAction = (s: string): s is UsersAction => s in ALLOWED;
const list = (v: string): string[] => v.split(',').map((s) => s.trim()).filter((s) => s.length > 0);

export function parseUsersArgs(argv: readonly string[]): UsersArgs {
  const [action, ...rest] = argv;
  if (action === undefined || !isAction(action)) throw new UsageError(action === undefined ? 'which action? add, list, disable, enable, email, reset-password, role, rights, mfa or invite' : `unknown action '${action}'`);
  const out: UsersArgs = { action, roles: [], passwordStdin: false, link: false, send: false, clear: false, mfaRequired: false };
  if (action === 'invite') {
    const patient = rest.shift();
    if (patient === undefined || patient.startsWith('--')) throw new UsageError("'users invite' needs the Patient id first");
    if (!ID.test(patient)) throw new UsageError(`'${patient}' is not a Patient id`);
    out.patient = patient;
  }
  const seen = new Set<string>();
  for (let i = 0; i < rest.length; i++) {
    const name = rest[i]!;
    if (!ALLOWED[action].includes(name)) throw new UsageError(VALUE_OPTIONS.includes(name) || FLAGS.includes(name) ? `'users ${action}' takes no ${name}` : `unknown option '${name}'`);
    if (seen.has(name) && name !== '--role') throw new UsageError(`${name} is given twice`);
    seen.add(name);
    if (FLAGS.includes(name)) {
      if (name === '--password-stdin') out.passwordStdin = true;
      else if (name === '--link') out.link = true;
      else if (name === '--send') out.send = true;
      else if (name === '--clear') out.clear = true;
      else if (name === '--mfa-required') out.mfaRequired = true;
      else out.mfa = name.slice(2) as 'require' | 'optional' | 'reset';
      continue;
    }
    const value = rest[++i];
    if (value === undefined || value.startsWith('--')) throw new UsageError(`${name} needs a value`);
    if (name === '--tenant') {
      if (!/^[A-Za-z0-9.-]{1,64}$/.test(value)) throw new UsageError(`--tenant must be 1-64 letters, digits, '-' or '.', got '${value}'`);
      out.tenant = value;
    } else if (name === '--username') out.username = value;
    else if (name === '--kind') {
      if (!isUserKind(value)) throw new UsageError(`--kind must be staff, patient or proxy, got '${value}'`);
      out.kind = value;
    } else if (name === '--role' || name === '--roles') out.roles.push(...list(value));
    else if (name === '--fhir-user') out.fhirUser = value;
    else if (name === '--organization') out.organization = value;
    else if (name === '--email') out.email = value;
    else if (name === '--password') out.password = value;
    else if (name === '--related-person') {
      if (!ID.test(value)) throw new UsageError(`--related-person must be a RelatedPerson id, got '${value}'`);
      out.relatedPerson = value;
    } else if (name === '--set') out.set = list(value);
    else if (name === '--add') out.add = list(value);
    else out.remove = list(value);
  }
  for (const name of REQUIRED[action]) if (!seen.has(name)) throw new UsageError(`'users ${action}' needs ${name}`);
  if (out.password !== undefined && out.passwordStdin) throw new UsageError('give the password one way: --password-stdin or --password, not both');
  if ((out.link || out.send) && (out.password !== undefined || out.passwordStdin)) throw new UsageError(`${out.link ? '--link' : '--send'} issues a reset link instead of setting a password: give it without a password`);
  if (out.link && out.send) throw new UsageError('--link prints the reset link and --send mails it to the user: choose one');
  if (action === 'email' && (out.email === undefined) === !out.clear) throw new UsageError("'users email' needs either --email ADDRESS or --clear");
  if (action === 'role' && (out.set === undefined) === (out.add === undefined && out.remove === undefined)) {
    throw new UsageError("'users role' needs either --set, or --add and/or --remove");
  }
  if (action === 'rights' && out.set !== undefined && (out.add !== undefined || out.remove !== undefined)) {
    throw new UsageError("'users rights' takes --set, or --add and/or --remove (none: show the rights)");
  }
  if (action === 'mfa' && [seen.has('--require'), seen.has('--optional'), seen.has('--reset')].filter(Boolean).length !== 1) {
    throw new UsageError("'users mfa' needs exactly one of --require, --optional or --reset");
  }
  return out;
}
