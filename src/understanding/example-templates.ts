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
/** Ways a calm message is typed: no shouting, no doubled marks. */
const CALM_SHAPES: readonly ((s: string) => string)[] = [(s) => s, (s) => s, (s) => s[0].toUpperCase() + s.slice(1), (s) => s[0].toUpperCase() + s.slice(1) + '.'];

export interface SampleOptions {
  /** How many distinct messages to write (fewer when the templates allow fewer). */
  count: number;
  seed: number;
  /** Problems or questions a share of the messages is set beside ("the kettle came broken. i'm livid"). */
  context?: readonly string[];
  /** That share (default 0.25 when there is a context). */
  withContext?: number;
  /** Typed calmly: never shouted or with doubled marks (default false). */
  calm?: boolean;
}

/** Distinct messages written from the templates, each typed in a random style. */
export function sampleMessages(templates: readonly Template[], { count, seed, context = [], withContext = 0.25, calm = false }: SampleOptions): string[] {
  const rng = new Rng(seed);
  const out = new Set<string>();
  for (let tries = 0; out.size < count && tries < count * 20; tries++) {
    let text = rng.pick(templates).map((slot) => rng.pick(slot)).join('').replace(/\s+/g, ' ').trim();
    if (!text) continue;
    if (context.length && rng.chance(withContext)) {
      const problem = rng.pick(context);
      text = rng.chance(0.5) ? `${problem}${rng.pick(['. ', ', ', ' - ', '... '])}${text}` : `${text}${rng.pick(['. ', ', ', ' - '])}${problem}`;
    }
    out.add(roughen(rng.pick(calm ? CALM_SHAPES : SHAPES)(text), rng.pick(STYLES), rng));
  }
  return [...out];
}
