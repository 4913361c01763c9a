/**
 * Synthetic geography: fictional towns of a fictional county (placed in Oregon so addresses
 * have a real state code), street names, and telephone numbers in the 555-01XX range that the
 * North American Numbering Plan reserves for fiction. Nothing here is a real address.
 */
import type { Address, ContactPoint } from '@medplum/fhirtypes';
import type { Rng } from './prng.ts';

export interface Town {
  city: string;
  postalCode: string;
  areaCode: string;
}

export const TOWNS: readonly Town[] = [
  { city: 'Cedar Hollow', postalCode: '97411', areaCode: '541' },
  { city: 'Riverbend', postalCode: '97413', areaCode: '541' },
  { city: 'Marlow Springs', postalCode: '97416', areaCode: '541' },
  { city: 'North Alder', postalCode: '97418', areaCode: '541' },
  { city: 'Fernwood', postalCode: '97422', areaCode: '458' },
  { city: 'Lakeview Heights', postalCode: '97425', areaCode: '458' },
  { city: 'Stonebridge', postalCode: '97427', areaCode: '541' },
  { city: 'Willow Creek', postalCode: '97429', areaCode: '458' },
];

export const STATE = 'OR';

const STREETS = ['Maple', 'Oak', 'Cedar', 'Pine', 'Elm', 'Birch', 'Willow', 'Aspen', 'Juniper', 'Spruce', 'Hawthorne', 'Laurel', 'Magnolia', 'Sycamore', 'Chestnut', 'Riverside', 'Lakeshore', 'Hillcrest', 'Meadow', 'Orchard', 'Sunset', 'Park', 'Mill', 'Church', 'Union', 'Franklin', 'Lincoln', 'Jefferson', 'Madison', 'Washington', 'Grant', 'Harbor', 'Canyon', 'Prairie', 'Summit', 'Valley'];
const SUFFIXES = ['St', 'Ave', 'Rd', 'Ln', 'Dr', 'Ct', 'Way', 'Pl', 'Blvd', 'Ter'];

export function streetLine(rng: Rng): string {
  return `${rng.int(10, 9899)} ${rng.pick(STREETS)} ${rng.pick(SUFFIXES)}`;
}

export function address(rng: Rng, town: Town, use: Address['use'] = 'home'): Address {
  const line = [streetLine(rng)];
  if (rng.chance(0.12)) line.push(`Apt ${rng.int(1, 40)}${rng.pick(['', 'A', 'B', 'C'])}`);
  return { use, type: 'both', line, city: town.city, state: STATE, postalCode: town.postalCode, country: 'US' };
}

/** A fictional number: `(AAA) 555-01XX`. */
export function phone(rng: Rng, town: Town, use: ContactPoint['use']): ContactPoint {
  return { system: 'phone', value: `(${town.areaCode}) 555-01${String(rng.int(0, 99)).padStart(2, '0')}`, use };
}
