/**
 * Slot value pools for the shop corpus: customer names and emails, addresses,
 * carriers, calendar dates, promo codes. All people and addresses are made up;
 * email domains are the reserved example domains.
 */
import type { Rng } from './random.ts';

/** Customers' first names. */
export const FIRST_NAMES: readonly string[] = [
  'Priya', 'James', 'Maria', 'Wei', 'Fatima', 'Lucas', 'Aisha', 'Tom', 'Sofia', 'Kenji', 'Emma', 'Diego',
  'Olivia', 'Mohammed', 'Hannah', 'Noah', 'Chloe', 'Ravi', 'Grace', 'Mateo', 'Zoe', 'Samuel', 'Leila', 'Ben',
  'Ana', 'Daniel', 'Yuki', 'Omar', 'Isabel', 'Ethan', 'Nia', 'Jonas', 'Mei', 'Carlos', 'Ruth', 'Arjun',
  'Lena', 'Marcus', 'Amara', 'Felix', 'Rosa', 'Tariq', 'Julia', 'Kwame', 'Ingrid', 'Pablo', 'Sara', 'Liam',
];

/** Customers' last names. */
export const LAST_NAMES: readonly string[] = [
  'Shah', 'Miller', 'Garcia', 'Chen', 'Khan', 'Silva', 'Okafor', 'Nguyen', 'Rossi', 'Tanaka', 'Brown', 'Lopez',
  'Johnson', 'Ali', 'Schmidt', 'Kim', 'Martin', 'Patel', 'Walker', 'Torres', 'Novak', 'Ahmed', 'Cohen', 'Evans',
  'Moreau', 'Jensen', 'Costa', 'Mensah', 'Larsen', 'Reyes', 'Murphy', 'Ito', 'Haddad', 'Baker', 'Fischer', 'Diaz',
];

const EMAIL_DOMAINS: readonly string[] = ['example.com', 'example.net', 'example.org', 'mail.example.com'];

/** US cities for delivery questions and new addresses (no zip codes, so no five-digit numbers). */
export const CITIES: readonly string[] = [
  'Portland', 'Austin', 'Denver', 'Chicago', 'Boston', 'Seattle', 'Atlanta', 'Phoenix', 'Nashville', 'Minneapolis',
  'San Diego', 'Miami', 'Columbus', 'Raleigh', 'Salt Lake City', 'Pittsburgh', 'Kansas City', 'Sacramento',
  'Madison', 'Albuquerque', 'Richmond', 'Tucson', 'Omaha', 'Burlington', 'Boise', 'New Orleans', 'Detroit',
];

const STREETS: readonly string[] = [
  'Elm Street', 'Maple Avenue', 'Oak Lane', 'Cedar Road', 'Pine Street', 'Lakeview Drive', 'Hillcrest Road',
  'Birch Court', 'Willow Way', 'Main Street', 'River Road', 'Park Avenue', 'Sunset Boulevard', 'Chestnut Street',
  'Harbor View Drive', 'Meadow Lane', 'Spruce Street', 'Orchard Road', 'Union Street', 'Juniper Circle',
];

/** Countries Northwind Goods ships to besides the US. */
export const SHIPS_TO: readonly string[] = [
  'Canada', 'the UK', 'Ireland', 'Germany', 'France', 'the Netherlands', 'Australia', 'Japan',
];
/** Countries it does not ship to (yet). */
export const NO_SHIPPING_TO: readonly string[] = ['Brazil', 'India', 'South Africa', 'Mexico', 'Argentina', 'Nigeria', 'Turkey'];

/** Domestic carriers; international orders always go with DHL. */
export const CARRIERS: readonly string[] = ['UPS', 'FedEx', 'USPS'];

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTH_START = Date.UTC(2024, 0, 1);
const DAY_MS = 86_400_000;

/** A day of the fictional year 2024, as a day index from January 1. */
export type Day = number;

/** "May 14". */
export function shortDate(day: Day): string {
  const d = new Date(MONTH_START + day * DAY_MS);
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}`;
}

/** "Tuesday, May 14" (weekday and date always agree). */
export function longDate(day: Day): string {
  return `${weekday(day)}, ${shortDate(day)}`;
}

/** "Tuesday". */
export function weekday(day: Day): string {
  return WEEKDAYS[new Date(MONTH_START + day * DAY_MS).getUTCDay()];
}

/** Promo codes with the one rule that explains why each may fail. */
export const PROMO_CODES: readonly { code: string; rule: string }[] = [
  { code: 'WELCOME10', rule: 'The code {code} takes 10% off, but only on the first order from a new account, which is probably why it is not applying.' },
  { code: 'SPRING15', rule: 'The code {code} was for our spring sale, and it expired on {expired}, so it can no longer be used. Sorry about that!' },
  { code: 'SAVE20', rule: 'The code {code} takes $20 off orders of $100 or more. Your cart needs to reach $100 before tax for it to work.' },
  { code: 'FREESHIP', rule: 'The code {code} gives free express shipping, and it only works when express shipping is selected at checkout.' },
  { code: 'VIP25', rule: 'The code {code} is only for members of our VIP program, and it has to be used while signed in to that account.' },
  { code: 'HOLIDAY30', rule: 'The code {code} takes 30% off sale items only, so it will not apply to full-price items in your cart.' },
];

/** Gift recipients and the product categories that suit them. */
export const GIFT_FOR: readonly { who: string; categories: readonly string[] }[] = [
  { who: 'my dad', categories: ['outdoor', 'kitchen', 'electronics'] },
  { who: 'my mom', categories: ['home', 'kitchen', 'apparel'] },
  { who: 'someone who loves cooking', categories: ['kitchen'] },
  { who: 'a friend who hikes a lot', categories: ['outdoor', 'footwear'] },
  { who: 'a coworker', categories: ['kitchen', 'home'] },
  { who: 'my sister', categories: ['apparel', 'home', 'outdoor'] },
  { who: 'a teenager', categories: ['electronics'] },
  { who: 'my partner', categories: ['apparel', 'home', 'electronics'] },
  { who: 'someone who just moved into a new place', categories: ['home', 'kitchen'] },
];

/** A made-up email address for a customer, e.g. "priya.shah@example.com". */
export function makeEmail(first: string, last: string, rng: Rng): string {
  const f = first.toLowerCase();
  const l = last.toLowerCase();
  const local = rng.pick([`${f}.${l}`, `${f}${l}`, `${f[0]}${l}`, `${f}.${l}${rng.int(1, 99)}`, `${f}_${l[0]}`, `${f}${rng.int(70, 99)}`]);
  return `${local}@${rng.pick(EMAIL_DOMAINS)}`;
}

/** A street address without zip code (so no five-digit numbers appear), e.g. "42 Elm Street, Apt 3". */
export function makeStreet(rng: Rng): string {
  const base = `${rng.int(2, 980)} ${rng.pick(STREETS)}`;
  return rng.chance(0.25) ? `${base}, Apt ${rng.int(1, 24)}${rng.pick(['', 'A', 'B'])}` : base;
}

/** A five-digit order number without the leading "#". */
export function makeOrderNumber(rng: Rng): string {
  return String(rng.int(10_000, 99_999));
}

/** A tracking number in the carrier's style (bot text only). */
export function makeTracking(carrier: string, rng: Rng): string {
  const digits = (n: number) => Array.from({ length: n }, () => rng.int(0, 9)).join('');
  if (carrier === 'UPS') return `1Z${rng.pick(['A4', 'X9', 'R2', 'E7'])}${digits(14)}`;
  if (carrier === 'FedEx') return digits(12);
  if (carrier === 'DHL') return `JD${digits(16)}`;
  return `9400${digits(18)}`;
}
