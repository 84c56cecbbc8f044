/**
 * Ages for retention: `90d`, `12h`, `30m` (days, hours, minutes).
 */
import { ColloquyError } from '../errors.ts';

const UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000 } as const;

/**
 * Parses an age like `90d` into milliseconds; anything else is a usage error naming `what`.
 *
 * @example
 * parseAge('90d'); // 7_776_000_000
 */
export function parseAge(text: string, what = '--older-than'): number {
  const m = /^(\d+)([dhm])$/.exec(String(text).trim());
  const ms = m ? Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS] : NaN;
  if (!Number.isSafeInteger(ms) || ms <= 0) {
    throw new ColloquyError('usage', `${what} must be a positive age like 90d, 12h or 30m, got ${JSON.stringify(text)}`, 'Example: --older-than 90d (conversations idle for more than 90 days).');
  }
  return ms;
}
