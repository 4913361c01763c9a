/**
 * The signed-in user's roles (from the id_token's `roles` claim) and the navigation each role
 * is offered. Navigation only hides what a role cannot use: the server still decides every
 * request, so a link shown here is never the only thing standing between a user and data.
 * A user with several roles gets every item any of them is offered, in one fixed order.
 */
export const STAFF_ROLES = ['admin', 'physician', 'nurse', 'front-desk', 'biller', 'auditor'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export function isStaffRole(s: unknown): s is StaffRole {
  return typeof s === 'string' && (STAFF_ROLES as readonly string[]).includes(s);
}

/** The known roles in a claim value; anything else (a patient's empty list, junk) is dropped. */
export function rolesFromClaim(value: unknown): StaffRole[] {
  return Array.isArray(value) ? [...new Set(value.filter(isStaffRole))] : [];
}

export interface NavItem {
  to: string;
  label: string;
  /** Whether the item is the current page for `pathname`. */
  active: (pathname: string) => boolean;
}

const CLINICAL: readonly StaffRole[] = ['physician', 'nurse'];

const ITEMS: readonly (NavItem & { roles: readonly StaffRole[] })[] = [
  // Billers read patients and encounters to code them; auditors read no patient data at all.
  { to: '/', label: 'Patients', roles: ['physician', 'nurse', 'front-desk', 'biller', 'admin'], active: (p) => p === '/' || (p.startsWith('/patients') && p !== '/patients/new') },
  { to: '/inbox', label: 'Inbox', roles: CLINICAL, active: (p) => p.startsWith('/inbox') },
  { to: '/tasks', label: 'Tasks', roles: CLINICAL, active: (p) => p.startsWith('/tasks') },
  { to: '/orders', label: 'Pending orders', roles: CLINICAL, active: (p) => p.startsWith('/orders') },
  { to: '/referrals', label: 'Referrals', roles: CLINICAL, active: (p) => p.startsWith('/referrals') },
  { to: '/admin/partners', label: 'Partners', roles: ['admin'], active: (p) => p.startsWith('/admin/partners') },
  { to: '/admin/duplicates', label: 'Duplicates', roles: ['admin', 'front-desk'], active: (p) => p.startsWith('/admin/duplicates') },
  { to: '/patients/new', label: 'Register patient', roles: ['front-desk', 'nurse', 'admin'], active: (p) => p === '/patients/new' },
  { to: '/audit', label: 'Audit log', roles: ['auditor', 'admin'], active: (p) => p.startsWith('/audit') },
];

export function navFor(roles: readonly StaffRole[]): NavItem[] {
  return ITEMS.filter((i) => i.roles.some((r) => roles.includes(r))).map(({ to, label, active }) => ({ to, label, active }));
}

const ROLE_LABELS: Record<StaffRole, string> = {
  admin: 'Administrator', physician: 'Physician', nurse: 'Nurse', 'front-desk': 'Front desk', biller: 'Billing', auditor: 'Auditor',
};

/** The roles as the header shows them, e.g. "Physician" or "Nurse, Front desk". */
export function rolesLabel(roles: readonly StaffRole[]): string {
  return roles.map((r) => ROLE_LABELS[r]).join(', ');
}
