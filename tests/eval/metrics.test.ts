import { describe, expect, it } from 'vitest';
import {
  averageLength, corpusBleu, distinctN, perWordPerplexity, scoreTokens, whitespaceWordCount,
} from '../../src/eval/metrics.ts';

describe('scoreTokens', () => {
  it('lowercases and splits into word runs (with apostrophe suffix) and single symbols', () => {
    expect(scoreTokens("It's 5pm, OK?")).toEqual(["it's", '5pm', ',', 'ok', '?']);
    expect(scoreTokens('Call 408-971-8523!')).toEqual(['call', '408', '-', '971', '-', '8523', '!']);
    expect(scoreTokens("Café’s  rock'n'roll...")).toEqual(['café', '’', 's', "rock'n", "'", 'roll', '.', '.', '.']);
    expect(scoreTokens('   ')).toEqual([]);
  });
});

describe('corpusBleu', () => {
  it('matches a hand-computed corpus-level example', () => {
    // Pair 1: hyp "the cat sat on the red mat" (7 tokens), ref "the cat sat on the mat today ." (8 tokens)
    //   1-grams: the×2 cat sat on mat match, red does not        → 6 / 7
    //   2-grams: the cat, cat sat, sat on, on the (not the red, red mat) → 4 / 6
    //   3-grams: the cat sat, cat sat on, sat on the               → 3 / 5
    //   4-grams: the cat sat on, cat sat on the                    → 2 / 4
    // Pair 2: hyp "yes ." (2 tokens), ref "yes , it is ." (5 tokens)
    //   1-grams: yes, .  → 2 / 2;  2-grams: "yes ." not in ref → 0 / 1;  no 3- or 4-grams
    // Corpus: p1 = 8/9, p2 = 4/7, p3 = 3/5, p4 = 2/4; c = 9, r = 13 → BP = exp(1 − 13/9) = exp(−4/9)
    // Product p1·p2·p3·p4 = (8·4·3·2)/(9·7·5·4) = 192/1260 = 16/105
    // BLEU = 100 · exp(−4/9) · (16/105)^(1/4) = 100 · 0.64118 · 0.62479 ≈ 40.06
    const expected = 100 * Math.exp(-4 / 9) * (16 / 105) ** 0.25;
    expect(corpusBleu(['The cat sat on the red mat', 'Yes.'], ['the cat sat on the mat today.', 'Yes, it is.'])).toBeCloseTo(expected, 10);
    expect(expected).toBeCloseTo(40.06, 2);
  });

  it('scores 100 for identical hypotheses and references', () => {
    const refs = ['Your table for 2 is booked at 7 pm.', 'Is there anything else I can help with?'];
    expect(corpusBleu(refs, refs)).toBe(100);
    expect(corpusBleu(refs.map((r) => r.toUpperCase()), refs)).toBe(100);
  });

  it('scores 0 for empty hypotheses or when any n-gram precision is zero', () => {
    expect(corpusBleu([''], ['the cat sat on the mat'])).toBe(0);
    expect(corpusBleu([], [])).toBe(0);
    expect(corpusBleu(['the cat is on the mat'], ['the cat sat on the mat'])).toBe(0); // no 4-gram match
  });

  it('applies the brevity penalty only when the hypotheses are shorter', () => {
    const ref = 'one two three four five six seven eight';
    // hyp = first 4 tokens: every precision is 1, c = 4, r = 8 → BP = exp(1 − 8/4) = e^−1
    expect(corpusBleu(['one two three four'], [ref])).toBeCloseTo(100 * Math.exp(-1), 10);
    // a longer hypothesis is not penalized for length (precisions only): c = 9 > r = 8 → BP = 1
    // 1-grams 8/9, 2-grams 7/8, 3-grams 6/7, 4-grams 5/6 → product 5/9
    expect(corpusBleu([ref + ' nine'], [ref])).toBeCloseTo(100 * (5 / 9) ** 0.25, 10);
  });

  it('clips repeated n-grams by their count in the reference', () => {
    // hyp "the the the the", ref "the cat": 1-grams 1/4, 2-grams "the the" 0/3 → 0
    expect(corpusBleu(['the the the the'], ['the cat'])).toBe(0);
  });

  it('rejects mismatched lengths', () => {
    expect(() => corpusBleu(['a'], [])).toThrow(/one reference per hypothesis/);
  });
});

describe('distinctN', () => {
  it('counts distinct over all n-grams across hypotheses', () => {
    expect(distinctN(['yes yes', 'yes no'], 1)).toBe(0.5);
    expect(distinctN(['yes yes', 'yes no'], 2)).toBe(1); // "yes yes", "yes no" — no cross-hypothesis bigram
    expect(distinctN(['a b a b'], 2)).toBeCloseTo(2 / 3, 12);
    expect(distinctN(['', 'hi'], 2)).toBe(0);
    expect(() => distinctN(['a'], 0)).toThrow();
  });
});

describe('lengths and perplexity', () => {
  it('averages scoring tokens and counts whitespace words', () => {
    expect(averageLength(['Hello there!', 'Hi'])).toBe(2);
    expect(averageLength([])).toBe(0);
    expect(whitespaceWordCount('  Where is my order? ')).toBe(4);
    expect(whitespaceWordCount('it\'s 5pm,ok')).toBe(2);
    expect(whitespaceWordCount(' \n ')).toBe(0);
  });

  it('computes per-word perplexity counting one end-of-turn per turn', () => {
    expect(perWordPerplexity(Math.log(10) * 5, 4, 1)).toBeCloseTo(10, 10);
    // exp(total NLL / (whitespace words + 1)) for a single turn
    const text = 'where is my order';
    expect(perWordPerplexity(2.5, whitespaceWordCount(text), 1)).toBeCloseTo(Math.exp(2.5 / 5), 12);
    expect(() => perWordPerplexity(1, 0, 0)).toThrow();
  });
});
