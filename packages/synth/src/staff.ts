/**
 * The demo clinic's staff logins, drawn from the directory: physicians and nurse practitioners,
 * nurses, front desk, a biller and an administrator. Ids are the directory's Practitioner ids.
 */
import type { DemoStaff } from './contract.ts';
import type { Directory, StaffKind } from './directory.ts';

const ROLE: Record<StaffKind, DemoStaff['role']> = {
  family: 'physician', internist: 'physician', pediatrician: 'physician', np: 'physician', ed: 'physician', hospitalist: 'physician',
  nurse: 'nurse', 'front-desk': 'front-desk', biller: 'biller', admin: 'admin',
};

/** Staff of the primary care clinics (the hospital's people are left out of the demo logins). */
export function staffFor(dir: Directory): DemoStaff[] {
  return dir.staff
    .filter((s) => s.org.kind === 'clinic')
    .map((s) => ({ role: ROLE[s.kind], practitionerId: s.id, name: s.display }));
}
