/**
 * Parsing `continuum users <action> [options]` strictly: each action takes its own options, the
 * required ones must be there, and anything else is a usage error (exit code 2) that says what
 * was wrong. No database is opened before the arguments are known to be good.
 */
import { isUserKind, type UserKind } from './types.ts';

export const USERS_USAGE_LINES = [
  'users add --username U --kind staff|patient|proxy --fhir-user Type/id [--role R[,R...]] [--organization Organization/id] [--mfa-required] [--password-stdin] [--tenant T]',
  'users list [--kind K] [--tenant T]',
  'users disable|enable --username U [--tenant T]',
  'users reset-password --username U [--password-stdin | --link] [--tenant T]',
  'users role --username U (--set R[,R...] | --add R[,R...] | --remove R[,R...]) [--tenant T]',
  'users mfa --username U (--require | --optional | --reset) [--tenant T]',
];
export const USERS_USAGE = USERS_USAGE_LINES.join('\n       continuum ');

export class UsageError extends Error {}

export type UsersAction = 'add' | 'list' | 'disable' | 'enable' | 'reset-password' | 'role' | 'mfa';

export interface UsersArgs {
  action: UsersAction;
  tenant?: string;
  username?: string;
  kind?: UserKind;
  roles: string[];
  fhirUser?: string;
  organization?: string;
  /** Given on the command line (visible to other local users: warned about). */
  password?: string;
  passwordStdin: boolean;
  link: boolean;
  mfaRequired: boolean;
  set?: string[];
  add?: string[];
  remove?: string[];
  mfa?: 'require' | 'optional' | 'reset';
}

const VALUE_OPTIONS = ['--tenant', '--username', '--kind', '--role', '--roles', '--fhir-user', '--organization', '--password', '--set', '--add', '--remove'];
const FLAGS = ['--password-stdin', '--link', '--mfa-required', '--require', '--optional', '--reset'];

const ALLOWED: Record<UsersAction, string[]> = {
  add: ['--tenant', '--username', '--kind', '--role', '--roles', '--fhir-user', '--organization', '--password', '--password-stdin', '--mfa-required'],
  list: ['--tenant', '--kind'],
  disable: ['--tenant', '--username'],
  enable: ['--tenant', '--username'],
  'reset-password': ['--tenant', '--username', '--password', '--password-stdin', '--link'],
  role: ['--tenant', '--username', '--set', '--add', '--remove'],
  mfa: ['--tenant', '--username', '--require', '--optional', '--reset'],
};

const REQUIRED: Record<UsersAction, string[]> = {
  add: ['--username', '--kind', '--fhir-user'],
  list: [],
  disable: ['--username'],
  enable: ['--username'],
  'reset-password': ['--username'],
  role: ['--username'],
  mfa: ['--username'],
};

const isAction = (s: string): s is UsersAction => s in ALLOWED;
const list = (v: string): string[] => v.split(',').map((s) => s.trim()).filter((s) => s.length > 0);

export function parseUsersArgs(argv: readonly string[]): UsersArgs {
  const [action, ...rest] = argv;
  if (action === undefined || !isAction(action)) throw new UsageError(action === undefined ? 'which action? add, list, disable, enable, reset-password, role or mfa' : `unknown action '${action}'`);
  const out: UsersArgs = { action, roles: [], passwordStdin: false, link: false, mfaRequired: false };
  const seen = new Set<string>();
  for (let i = 0; i < rest.length; i++) {
    const name = rest[i]!;
    if (!ALLOWED[action].includes(name)) throw new UsageError(VALUE_OPTIONS.includes(name) || FLAGS.includes(name) ? `'users ${action}' takes no ${name}` : `unknown option '${name}'`);
    if (seen.has(name) && name !== '--role') throw new UsageError(`${name} is given twice`);
    seen.add(name);
    if (FLAGS.includes(name)) {
      if (name === '--password-stdin') out.passwordStdin = true;
      else if (name === '--link') out.link = true;
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
    else if (name === '--password') out.password = value;
    else if (name === '--set') out.set = list(value);
    else if (name === '--add') out.add = list(value);
    else out.remove = list(value);
  }
  for (const name of REQUIRED[action]) if (!seen.has(name)) throw new UsageError(`'users ${action}' needs ${name}`);
  if (out.password !== undefined && out.passwordStdin) throw new UsageError('give the password one way: --password-stdin or --password, not both');
  if (out.link && (out.password !== undefined || out.passwordStdin)) throw new UsageError('--link sends a reset link instead of setting a password: give it without a password');
  if (action === 'role' && (out.set === undefined) === (out.add === undefined && out.remove === undefined)) {
    throw new UsageError("'users role' needs either --set, or --add and/or --remove");
  }
  if (action === 'mfa' && [seen.has('--require'), seen.has('--optional'), seen.has('--reset')].filter(Boolean).length !== 1) {
    throw new UsageError("'users mfa' needs exactly one of --require, --optional or --reset");
  }
  return out;
}
