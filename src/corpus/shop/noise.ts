/**
 * How customers type: each dialogue gets one writing style, applied to every
 * user turn after the templates are filled. Casual writers lowercase and use
 * shorthand; sloppy writers make typos. Tokens holding digits, `#` or `@`
 * (order numbers, emails, amounts) are never altered.
 */
import type { Rng } from './random.ts';

/** A customer's typing habit for a whole dialogue. */
export type WritingStyle = 'clean' | 'casual' | 'sloppy' | 'hurried';

const STYLE_WEIGHTS: readonly (readonly [WritingStyle, number])[] = [
  ['clean', 0.5],
  ['casual', 0.25],
  ['sloppy', 0.15],
  ['hurried', 0.1],
];

const SHORTHAND: readonly (readonly [RegExp, readonly string[]])[] = [
  [/\byou\b/g, ['u']],
  [/\byour\b/g, ['ur']],
  [/\bplease\b/g, ['pls', 'plz']],
  [/\bthanks\b/g, ['thx', 'thanks']],
  [/\bthank you\b/g, ['ty', 'thank u']],
  [/\bdon't\b/g, ['dont']],
  [/\bcan't\b/g, ['cant']],
  [/\bi'm\b/g, ['im']],
  [/\bit's\b/g, ['its']],
  [/\bdidn't\b/g, ['didnt']],
  [/\bokay\b/g, ['ok']],
];

const NEIGHBOURS: Record<string, string> = {
  a: 's', s: 'a', d: 's', e: 'r', r: 'e', t: 'r', o: 'i', i: 'o', n: 'm', m: 'n', l: 'k', h: 'g', c: 'v', u: 'y',
};

/** Picks a writing style with fixed proportions (half the customers write cleanly). */
export function pickStyle(rng: Rng): WritingStyle {
  return rng.weighted(STYLE_WEIGHTS);
}

/** Applies a writing style to one user turn. */
export function roughen(text: string, style: WritingStyle, rng: Rng): string {
  let out = text;
  if ((style === 'sloppy' && rng.chance(0.5)) || (style === 'hurried' && rng.chance(0.4))) out = typo(out, rng);
  if (style === 'casual' || style === 'hurried') out = casual(out, rng);
  if (style !== 'clean' && rng.chance(0.4)) out = out.replace(/[.!]$/, '');
  return out.length > 0 ? out : text;
}

function casual(text: string, rng: Rng): string {
  let out = text.toLowerCase();
  for (const [pattern, options] of SHORTHAND) {
    out = out.replace(pattern, (word) => (rng.chance(0.45) ? rng.pick(options) : word));
  }
  return out;
}

/** Introduces one typo into a lowercase word of five or more letters (never names or products), when there is one. */
function typo(text: string, rng: Rng): string {
  const words = text.split(' ');
  const candidates = words
    .map((word, index) => ({ word, index }))
    .filter(({ word }) => /^[a-z]{5,}[,.!?]?$/.test(word));
  if (candidates.length === 0) return text;
  const { word, index } = rng.pick(candidates);
  const letters = word.replace(/[,.!?]$/, '');
  const tail = word.slice(letters.length);
  const at = rng.int(1, letters.length - 2);
  let broken: string;
  switch (rng.int(0, 3)) {
    case 0:
      broken = letters.slice(0, at) + letters[at + 1] + letters[at] + letters.slice(at + 2);
      break;
    case 1:
      broken = letters.slice(0, at) + letters.slice(at + 1);
      break;
    case 2:
      broken = letters.slice(0, at) + letters[at] + letters.slice(at);
      break;
    default: {
      const near = NEIGHBOURS[letters[at].toLowerCase()] ?? letters[at];
      broken = letters.slice(0, at) + near + letters.slice(at + 1);
    }
  }
  words[index] = broken + tail;
  return words.join(' ');
}
