/**
 * Reply-quality metrics with one fixed scoring convention, so numbers from
 * different systems can be compared:
 *
 * - tokens: `text.toLowerCase()` split into runs of letters/digits (with an
 *   optional apostrophe suffix such as `'s`) or single other non-space characters;
 * - corpus BLEU-4: BP · exp(mean over n=1..4 of log(clipped matches_n / total_n)),
 *   BP = 1 if c > r else exp(1 − r/c), one reference per hypothesis, ×100,
 *   and 0 when any n-gram precision is zero;
 * - distinct-n: distinct n-grams / all n-grams over all hypotheses;
 * - per-word perplexity: exp(total NLL / (whitespace words + one end-of-turn per turn)).
 */
import { ColloquyError } from '../errors.ts';

const TOKEN_RE = /[\p{L}\p{N}]+(?:'[\p{L}]+)?|[^\s\p{L}\p{N}]/gu;
const MAX_N = 4;
/** Joins n-gram tokens into a map key; unambiguous because tokens never contain whitespace. */
const SEP = ' ';

/**
 * The scoring tokens of a text (lowercased).
 *
 * @example
 * scoreTokens("It's 5pm, OK?"); // ["it's", '5pm', ',', 'ok', '?']
 */
export function scoreTokens(text: string): string[] {
  return text.toLowerCase().match(TOKEN_RE) ?? [];
}

/** Counts the n-grams of a token list into a map (key: tokens joined by a space). */
function ngramCounts(tokens: string[], n: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i++) {
    const key = n === 1 ? tokens[i] : tokens.slice(i, i + n).join(SEP);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** The hypothesis's n-grams found in the reference, each counted at most as often as the reference has it. */
function clippedMatches(hyp: string[], ref: string[], n: number): number {
  const refCounts = ngramCounts(ref, n);
  let matches = 0;
  for (const [gram, count] of ngramCounts(hyp, n)) matches += Math.min(count, refCounts.get(gram) ?? 0);
  return matches;
}

/**
 * Corpus BLEU-4 (0–100) of hypotheses against one reference each.
 *
 * @example
 * corpusBleu(['the cat sat on the mat'], ['the cat sat on the mat']); // 100
 * corpusBleu([''], ['anything at all']); // 0
 */
export function corpusBleu(hypotheses: string[], references: string[]): number {
  if (hypotheses.length !== references.length) {
    throw new ColloquyError('eval_mismatch', `corpusBleu needs one reference per hypothesis (${hypotheses.length} hypotheses, ${references.length} references)`);
  }
  const matches = new Array<number>(MAX_N).fill(0);
  const totals = new Array<number>(MAX_N).fill(0);
  let c = 0;
  let r = 0;
  for (let k = 0; k < hypotheses.length; k++) {
    const hyp = scoreTokens(hypotheses[k]);
    const ref = scoreTokens(references[k]);
    c += hyp.length;
    r += ref.length;
    for (let n = 1; n <= MAX_N; n++) {
      if (hyp.length < n) continue;
      totals[n - 1] += hyp.length - n + 1;
      matches[n - 1] += clippedMatches(hyp, ref, n);
    }
  }
  if (c === 0) return 0;
  let logSum = 0;
  for (let n = 0; n < MAX_N; n++) {
    if (matches[n] === 0 || totals[n] === 0) return 0;
    logSum += Math.log(matches[n] / totals[n]);
  }
  const bp = c > r ? 1 : Math.exp(1 - r / c);
  return 100 * bp * Math.exp(logSum / MAX_N);
}

/**
 * Sentence BLEU-4 (0–1) of one tokenized hypothesis against one tokenized
 * reference, with add-one smoothing of every n-gram precision (Lin and Och
 * 2004), so short texts that share some words still compare. For ranking
 * candidates, not for reporting.
 *
 * @example
 * sentenceBleu(scoreTokens('your order ships today'), scoreTokens('your order ships tomorrow')); // ≈ 0.6
 */
export function sentenceBleu(hyp: string[], ref: string[]): number {
  if (hyp.length === 0) return 0;
  let logSum = 0;
  for (let n = 1; n <= MAX_N; n++) {
    logSum += Math.log((clippedMatches(hyp, ref, n) + 1) / (Math.max(0, hyp.length - n + 1) + 1));
  }
  const bp = hyp.length >= ref.length ? 1 : Math.exp(1 - ref.length / hyp.length);
  return bp * Math.exp(logSum / MAX_N);
}

/**
 * distinct-n: the number of distinct n-grams divided by the number of all
 * n-grams, over all hypotheses (n-grams do not cross hypotheses). 0 when there are none.
 *
 * @example
 * distinctN(['yes yes', 'yes no'], 1); // 2 distinct / 4 total = 0.5
 */
export function distinctN(hypotheses: string[], n: number): number {
  if (!Number.isInteger(n) || n < 1) throw new ColloquyError('eval_invalid', `distinctN needs a positive integer n, got ${n}`);
  const seen = new Set<string>();
  let total = 0;
  for (const h of hypotheses) {
    const tokens = scoreTokens(h);
    for (let i = 0; i + n <= tokens.length; i++) {
      seen.add(tokens.slice(i, i + n).join(SEP));
      total++;
    }
  }
  return total === 0 ? 0 : seen.size / total;
}

/**
 * Mean number of scoring tokens per text (0 for no texts).
 *
 * @example
 * averageLength(['Hello there!', 'Hi']); // (3 + 1) / 2 = 2
 */
export function averageLength(texts: string[]): number {
  if (texts.length === 0) return 0;
  let sum = 0;
  for (const t of texts) sum += scoreTokens(t).length;
  return sum / texts.length;
}

/**
 * Number of whitespace-separated words, the unit of per-word perplexity.
 *
 * @example
 * whitespaceWordCount('  Where is my order? '); // 4
 */
export function whitespaceWordCount(text: string): number {
  const trimmed = text.trim();
  return trimmed === '' ? 0 : trimmed.split(/\s+/u).length;
}

/**
 * Per-word perplexity: exp(totalNll / (totalWords + turns)), counting one
 * end-of-turn per turn. `totalNll` is in nats, summed over all predicted units
 * including each end-of-turn.
 *
 * @example
 * perWordPerplexity(Math.log(10) * 5, 4, 1); // 10 (5 units, each ln 10)
 */
export function perWordPerplexity(totalNll: number, totalWords: number, turns: number): number {
  const units = totalWords + turns;
  if (!(units > 0)) throw new ColloquyError('eval_invalid', `perWordPerplexity needs at least one word or turn (words ${totalWords}, turns ${turns})`);
  return Math.exp(totalNll / units);
}
