import { describe, expect, it } from 'vitest';
import { auroc, rateAtOrAbove, thresholdForRate } from '../../src/understanding/metrics.ts';
import { madeUpShopTurns, manyTopicTurns, smallScorer } from './made-up-shop.ts';

describe('threshold calibration', () => {
  it('chooses the threshold that sends the stated share of in-domain scores to the fallback', () => {
    const scores = Array.from({ length: 100 }, (_, i) => i / 100); // 0.00 … 0.99

    const t = thresholdForRate(scores, 0.05);

    expect(rateAtOrAbove(scores, t)).toBe(0.05);
    expect(t).toBeGreaterThan(0.94);
    expect(t).toBeLessThanOrEqual(0.95);
  });

  it('with a rate too small for the sample, falls back on none of it', () => {
    const scores = [0.1, 0.2, 0.3];

    expect(rateAtOrAbove(scores, thresholdForRate(scores, 0.05))).toBe(0);
  });

  it('measures separation as AUROC: 1 when every out-of-scope score is higher, 0.5 for ties', () => {
    expect(auroc([0.1, 0.2], [0.3, 0.9])).toBe(1);
    expect(auroc([0.5, 0.5], [0.5])).toBe(0.5);
    expect(auroc([0.1, 0.4], [0.3])).toBe(0.5);
  });

  it('trains on a small made-up corpus and stores a threshold that keeps held-out in-domain fallbacks at the stated rate', () => {
    const scorer = smallScorer(0.1);

    const { threshold, fallbackRate, heldOut } = scorer.calibration;
    expect(fallbackRate).toBe(0.1);
    expect(heldOut.inDomain).toBeGreaterThanOrEqual(10);
    expect(heldOut.inDomainFallbackRate).toBeLessThanOrEqual(0.1);
    expect(threshold).toBeGreaterThan(0);
    expect(threshold).toBeLessThan(1);
  });

  it('scores off-topic questions above the threshold and shop questions below it', () => {
    const scorer = smallScorer();
    const t = scorer.calibration.threshold;

    for (const q of ["What's the capital of France?", 'Should I buy Tesla stock?', 'Hallo, wo ist meine Bestellung?']) expect(scorer.score(q), q).toBeGreaterThanOrEqual(t);
    for (const q of ['where is my order 40411', 'is the wool scarf in stock', 'i want to return the desk lamp']) expect(scorer.score(q), q).toBeLessThan(t);
  });

  it('predicts the intent of the corpus turns and reads requests for a person and frustration', () => {
    const scorer = smallScorer();
    const turns = madeUpShopTurns();

    const right = turns.filter((t) => scorer.understand(t.text).intent?.name === t.intent).length;
    expect(right / turns.length).toBeGreaterThan(0.9);
    expect(scorer.understand('can I speak to a real person').kind).toBe('asks-for-person');
    expect(scorer.understand('This is ridiculous! Worst shop ever!').kind).toBe('frustrated');
    expect(scorer.understand('where is my order 40411').kind).toBe('ordinary');
  });

  it('with ten topics or more, sets the threshold for conversations about topics its training lacks, not only for held-out turns like those it saw', () => {
    const turns = manyTopicTurns();
    const unseen = turns.filter((t) => t.topics[0] === 'warranty'); // a new topic in the same shop
    // a small corpus of eleven topics: a high stated rate leaves each topic the probe leaves out enough turns to fall back
    const scorer = trainScorer({ inDomain: turns.filter((t) => t.topics[0] !== 'warranty'), fallbackRate: 0.3, dim: 16, hidden: 16, buckets: 4096, epochs: 20, heldOut: 0.2, seed: 3 });
    const { threshold, heldOut } = scorer.calibration;

    expect(heldOut.novelTopics).toEqual({ topics: 4, turns: 78 });
    // held-out turns are near-copies of trained ones here: set on them, the threshold sent every warranty question to the fallback
    expect(heldOut.inDomainFallbackRate).toBeLessThan(0.3);
    expect(rateAtOrAbove(unseen.map((t) => scorer.score(t.text)), threshold)).toBeLessThanOrEqual(0.4);
    for (const q of ["What's the capital of France?", 'Should I buy Tesla stock?']) expect(scorer.score(q), q).toBeGreaterThanOrEqual(threshold);
  });

  it('refuses a corpus too small to learn from, naming the problem', () => {
    expect(() => smallScorerFrom([{ text: 'hi' }])).toThrow(/at least 20 distinct user turns/);
  });
});

import { trainScorer } from '../../src/understanding/train-scorer.ts';
function smallScorerFrom(inDomain: { text: string }[]) {
  return trainScorer({ inDomain, dim: 8, hidden: 8, buckets: 256, epochs: 1 });
}
