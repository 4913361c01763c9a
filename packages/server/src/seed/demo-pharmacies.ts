/**
 * The demo clinic's pharmacies: five synthetic community and mail-order pharmacies, as
 * Organizations a prescription can be sent to (NUCC taxonomy 333600000X "Pharmacy", an NCPDP ID,
 * an NPI, an address and a telephone number). Every name, identifier, address and number is
 * invented: the NCPDP IDs start 99 and the telephone numbers use 555-01xx, the range reserved for
 * fiction. Written with fixed ids, so seeding them again changes nothing. The synthetic
 * population's own pharmacy (the Organization managing a Location of type PHARM, which its
 * prescriptions already name) is given an NCPDP ID and the pharmacy type too, so that its orders
 * can be renewed and sent like any other.
 */
import type { Location, Organization } from '@medplum/fhirtypes';
import { NCPDP_ID_SYSTEM, NPI_SYSTEM, NUCC, PHARMACY_TYPE } from '../erx/codes.ts';
import type { Repository } from '../store/repository.ts';

interface PharmacySeed {
  id: string;
  name: string;
  ncpdp: string;
  npi: string;
  line: string;
  city: string;
  postalCode: string;
  phone: string;
  fax: string;
  mailOrder?: boolean;
}

const SEEDS: PharmacySeed[] = [
  { id: 'demo-pharmacy-main-street', name: 'Main Street Pharmacy', ncpdp: '9900101', npi: '1999900101', line: '120 Main Street', city: 'Springfield', postalCode: '62701', phone: '217-555-0101', fax: '217-555-0151' },
  { id: 'demo-pharmacy-riverside', name: 'Riverside Community Pharmacy', ncpdp: '9900102', npi: '1999900102', line: '45 River Road', city: 'Springfield', postalCode: '62702', phone: '217-555-0102', fax: '217-555-0152' },
  { id: 'demo-pharmacy-oak-park', name: 'Oak Park Drugs', ncpdp: '9900103', npi: '1999900103', line: '8 Oak Avenue, Suite 2', city: 'Chatham', postalCode: '62629', phone: '217-555-0103', fax: '217-555-0153' },
  { id: 'demo-pharmacy-lakeview', name: 'Lakeview Pharmacy & Wellness', ncpdp: '9900104', npi: '1999900104', line: '300 Lake Shore Drive', city: 'Springfield', postalCode: '62712', phone: '217-555-0104', fax: '217-555-0154' },
  { id: 'demo-pharmacy-mail-order', name: 'Continuum Mail Order Pharmacy (demo)', ncpdp: '9900105', npi: '1999900105', line: '1 Distribution Way', city: 'Decatur', postalCode: '62521', phone: '217-555-0105', fax: '217-555-0155', mailOrder: true },
];

export function demoPharmacies(): Organization[] {
  return SEEDS.map((s) => ({
    resourceType: 'Organization',
    id: s.id,
    active: true,
    identifier: [
      { system: NCPDP_ID_SYSTEM, value: s.ncpdp },
      { system: NPI_SYSTEM, value: s.npi },
    ],
    type: [
      {
        coding: [{ ...PHARMACY_TYPE }, s.mailOrder ? { system: NUCC, code: '3336M0002X', display: 'Mail Order Pharmacy' } : { system: NUCC, code: '3336C0003X', display: 'Community/Retail Pharmacy' }],
        text: s.mailOrder ? 'Mail-order pharmacy' : 'Community pharmacy',
      },
    ],
    name: s.name,
    telecom: [
      { system: 'phone', value: s.phone, use: 'work' },
      { system: 'fax', value: s.fax, use: 'work' },
    ],
    address: [{ use: 'work', line: [s.line], city: s.city, state: 'IL', postalCode: s.postalCode, country: 'US' }],
  }));
}

const PHARM_LOCATION = 'http://terminology.hl7.org/CodeSystem/v3-RoleCode|PHARM';

/** The population's pharmacies (managing a PHARM Location) made e-prescribable; answers how many changed. */
async function adoptPopulationPharmacies(repo: Repository): Promise<number> {
  const locations = await repo.search(repo.parseCriteria('Location', `type=${encodeURIComponent(PHARM_LOCATION)}`), { count: 20 });
  const orgs = new Set(locations.matches.map((m) => (JSON.parse(m.content) as Location).managingOrganization?.reference ?? '').filter((r) => r.startsWith('Organization/')));
  let changed = 0;
  for (const ref of [...orgs].sort()) {
    const org = (await repo.read('Organization', ref.slice('Organization/'.length))) as Organization;
    if (org.identifier?.some((i) => i.system === NCPDP_ID_SYSTEM)) continue;
    changed++;
    await repo.update('Organization', org.id!, {
      ...org,
      identifier: [...(org.identifier ?? []), { system: NCPDP_ID_SYSTEM, value: `99002${String(changed).padStart(2, '0')}` }],
      type: [...(org.type ?? []), { coding: [{ ...PHARMACY_TYPE }, { system: NUCC, code: '3336C0003X', display: 'Community/Retail Pharmacy' }], text: 'Community pharmacy' }],
    });
  }
  return changed;
}

/** Writes the demo pharmacies (again: same ids, so nothing changes when they are there). */
export async function seedDemoPharmacies(repo: Repository): Promise<number> {
  let written = await adoptPopulationPharmacies(repo);
  for (const p of demoPharmacies()) {
    if (await repo.exists('Organization', p.id!)) continue;
    await repo.update('Organization', p.id!, p);
    written++;
  }
  return written;
}
