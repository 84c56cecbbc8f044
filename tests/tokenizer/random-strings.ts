/**
 * Seeded random strings for fuzz-style tests: any UTF-16 code units,
 * including lone surrogates, control characters and whitespace.
 */
import { createRng } from '../../src/util/random.ts';

/** A small deterministic PRNG (mulberry32) returning floats in [0, 1). */
export const seededRandom = createRng;

const POOLS: ReadonlyArray<readonly [number, number]> = [
  [0x20, 0x7e], // printable ASCII
  [0x00, 0x1f], // controls
  [0xa0, 0x24f], // Latin-1 and Latin extended
  [0x300, 0x36f], // combining marks
  [0x4e00, 0x9fff], // CJK
  [0xd800, 0xdfff], // surrogates (often lone)
  [0x2000, 0x206f], // Unicode spaces and punctuation
  [0x1f300, 0x1faff], // emoji
  [0x10000, 0x10ffff], // anything astral
];

/** A random string of up to `maxLength` code points drawn from mixed pools. */
export function randomString(rand: () => number, maxLength = 40): string {
  const length = Math.floor(rand() * (maxLength + 1));
  let out = '';
  for (let i = 0; i < length; i++) {
    const [lo, hi] = POOLS[Math.floor(rand() * POOLS.length)];
    out += String.fromCodePoint(lo + Math.floor(rand() * (hi - lo + 1)));
    if (rand() < 0.15) out += ' ';
  }
  return out;
}
