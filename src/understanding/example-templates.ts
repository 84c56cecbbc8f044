/**
 * How the built-in examples are written: sentence templates whose slots are
 * lists of options, sampled with a fixed seed (so the scorer file is
 * reproducible), sometimes wrapped around a customer-service question, and
 * typed the ways customers type (lower case, shorthand, typos, shouting,
 * missing or doubled punctuation).
 */
import { roughen, type WritingStyle } from '../corpus/shop/noise.ts';
import { Rng } from '../corpus/shop/random.ts';

/** A sentence template: one option is taken from each slot, in order, and joined. */
export type Template = readonly (readonly string[])[];

/** Every combination of the parts, in order: `expand(['a ', 'b '], ['x', 'y'])` → a x, a y, b x, b y. */
export function expand(...parts: string[][]): string[] {
  return parts.reduce<string[]>((acc, options) => acc.flatMap((a) => options.map((o) => a + o)), ['']);
}

/**
 * Things customers of any shop or service write beside a request or a
 * complaint; `0` stands for any number (the scorer reads every number as 0).
 */
const SERVICE_CONTEXT = [
  'my order 0 has not arrived', 'where is my parcel', 'i still have no refund for order 0', 'the item came broken',
  'i was charged twice', 'my account is locked', 'the tracking has not moved in a week', 'you sent the wrong size',
  'i cancelled but still got billed', 'my delivery was due on monday', 'order #0 is missing an item', 'i returned it a month ago',
  'the discount code does not work', 'i need to change my address', 'my payment keeps failing', 'nobody replied to my email',
];

const STYLES: readonly WritingStyle[] = ['clean', 'casual', 'sloppy', 'hurried'];

/** Ways a whole message is typed, on top of the writing style. */
const SHAPES: readonly ((s: string) => string)[] = [
  (s) => s,
  (s) => s,
  (s) => s[0].toUpperCase() + s.slice(1),
  (s) => s[0].toUpperCase() + s.slice(1) + '.',
  (s) => s + '!',
  (s) => s + '!!!',
  (s) => s + '?',
  (s) => s.toUpperCase(),
  (s) => s + ' ?!',
];

export interface SampleOptions {
  /** How many distinct messages to write (fewer when the templates allow fewer). */
  count: number;
  seed: number;
  /** Share of messages set beside a customer-service question or problem (default 0.25). */
  withContext?: number;
}

/** Distinct messages written from the templates, each typed in a random style. */
export function sampleMessages(templates: readonly Template[], { count, seed, withContext = 0.25 }: SampleOptions): string[] {
  const rng = new Rng(seed);
  const out = new Set<string>();
  for (let tries = 0; out.size < count && tries < count * 20; tries++) {
    let text = rng.pick(templates).map((slot) => rng.pick(slot)).join('').replace(/\s+/g, ' ').trim();
    if (!text) continue;
    if (rng.chance(withContext)) {
      const context = rng.pick(SERVICE_CONTEXT);
      text = rng.chance(0.5) ? `${context}${rng.pick(['. ', ', ', ' - ', '... '])}${text}` : `${text}${rng.pick(['. ', ', ', ' - '])}${context}`;
    }
    out.add(roughen(rng.pick(SHAPES)(text), rng.pick(STYLES), rng));
  }
  return [...out];
}
