/**
 * The token-choice helpers on crafted distributions: log-softmax, top-k
 * indices, top-k / top-p sampling and the repetition penalty.
 */
import { describe, expect, it } from 'vitest';
import { argmax, logSoftmax, penalizeRepeats, sampleToken, topIndices } from '../../src/generation/sampling.ts';
import { createRng } from '../../src/util/random.ts';

const probsToLogProbs = (p: number[]) => Float32Array.from(p, Math.log);
const totalProb = (lp: Float32Array) => Array.from(lp).reduce((s, v) => s + Math.exp(v), 0);

/** How often each token is drawn in `n` seeded draws. */
function frequencies(lp: Float32Array, n: number, topK: number, topP: number, seed = 1): number[] {
  const rng = createRng(seed);
  const counts = new Array<number>(lp.length).fill(0);
  for (let i = 0; i < n; i++) counts[sampleToken(lp, rng, topK, topP)]++;
  return counts.map((c) => c / n);
}

describe('logSoftmax', () => {
  it('gives log-probabilities that sum to 1 in probability space, at any temperature', () => {
    const logits = Float32Array.from([2.5, -1, 0, 3.25, 0.5, -7, 1e-3]);
    for (const t of [0.25, 0.7, 1, 2, 10]) {
      const lp = logSoftmax(logits, t);
      expect(totalProb(lp)).toBeCloseTo(1, 5);
      for (const v of lp) expect(v).toBeLessThanOrEqual(0);
    }
  });

  it('keeps the order of the logits and ignores a constant shift', () => {
    const logits = Float32Array.from([0.1, 2, -3, 1]);
    const shifted = Float32Array.from(logits, (v) => v + 50);
    const a = logSoftmax(logits);
    const b = logSoftmax(shifted);
    expect(Array.from(a).map((v, i) => [v, i]).sort((x, y) => y[0] - x[0]).map(([, i]) => i)).toEqual([1, 3, 0, 2]);
    for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i], 5);
  });

  it('matches a hand computation and stays finite for huge logits', () => {
    const lp = logSoftmax(Float32Array.from([Math.log(1), Math.log(3)]));
    expect(Math.exp(lp[0])).toBeCloseTo(0.25, 6);
    expect(Math.exp(lp[1])).toBeCloseTo(0.75, 6);
    const big = logSoftmax(Float32Array.from([1000, 1001, 999]));
    for (const v of big) expect(Number.isFinite(v)).toBe(true);
    expect(totalProb(big)).toBeCloseTo(1, 5);
  });

  it('sharpens at a low temperature and flattens at a high one', () => {
    const logits = Float32Array.from([1, 2, 3]);
    const pTop = (t: number) => Math.exp(logSoftmax(logits, t)[2]);
    expect(pTop(0.5)).toBeGreaterThan(pTop(1));
    expect(pTop(1)).toBeGreaterThan(pTop(4));
    expect(pTop(100)).toBeCloseTo(1 / 3, 2);
  });

  it('gives banned (-Infinity) logits zero probability', () => {
    const lp = logSoftmax(Float32Array.from([1, -Infinity, 1]));
    expect(lp[1]).toBe(-Infinity);
    expect(Math.exp(lp[0])).toBeCloseTo(0.5, 6);
  });
});

describe('argmax and topIndices', () => {
  const values = Float32Array.from([0.1, 0.5, 0.3, 0.9, 0.2, -1]);

  it('argmax is the index of the largest value (first on ties)', () => {
    expect(argmax(values)).toBe(3);
    expect(argmax(Float32Array.from([2, 5, 5, 1]))).toBe(1);
    expect(argmax(Float32Array.from([-Infinity, -3, -Infinity]))).toBe(1);
  });

  it('topIndices returns the k largest, best first', () => {
    expect(topIndices(values, 1)).toEqual([3]);
    expect(topIndices(values, 3)).toEqual([3, 1, 2]);
    expect(topIndices(values, 6)).toEqual([3, 1, 2, 4, 0, 5]);
    expect(topIndices(values, 10)).toEqual([3, 1, 2, 4, 0, 5]);
  });

  it('topIndices agrees with a full sort on a larger random vector', () => {
    const rng = createRng(5);
    const big = Float32Array.from({ length: 300 }, () => rng() * 10 - 5);
    const sorted = Array.from(big.keys()).sort((a, b) => big[b] - big[a]);
    expect(topIndices(big, 17)).toEqual(sorted.slice(0, 17));
  });
});

describe('sampleToken', () => {
  // p = [0.4, 0.3, 0.2, 0.1]
  const lp = probsToLogProbs([0.4, 0.3, 0.2, 0.1]);
  const N = 4000;

  it('without limits draws every token at about its probability', () => {
    const f = frequencies(lp, N, 0, 1);
    [0.4, 0.3, 0.2, 0.1].forEach((p, i) => expect(Math.abs(f[i] - p), `token ${i}`).toBeLessThan(0.03));
  });

  it('top-k keeps only the k most likely tokens, renormalized', () => {
    const f = frequencies(lp, N, 2, 1);
    expect(f[2] + f[3]).toBe(0);
    expect(Math.abs(f[0] - 0.4 / 0.7)).toBeLessThan(0.03);
    expect(frequencies(lp, 200, 1, 1)).toEqual([1, 0, 0, 0]);
  });

  it('top-p keeps the smallest set of tokens whose probability reaches p', () => {
    // 0.4 < 0.65 ≤ 0.4 + 0.3 → tokens 0 and 1
    const f = frequencies(lp, N, 0, 0.65);
    expect(f[2] + f[3]).toBe(0);
    expect(Math.abs(f[0] - 0.4 / 0.7)).toBeLessThan(0.03);
    // 0.35 ≤ 0.4 → token 0 only
    expect(frequencies(lp, 200, 0, 0.35)).toEqual([1, 0, 0, 0]);
    // 0.85 → tokens 0..2
    const g = frequencies(lp, N, 0, 0.85);
    expect(g[3]).toBe(0);
    expect(g[2]).toBeGreaterThan(0.15);
  });

  it('applies top-k first, then top-p within it', () => {
    const f = frequencies(lp, N, 3, 0.99);
    expect(f[3]).toBe(0);
    expect(f[2]).toBeGreaterThan(0.15);
  });

  it('never draws a token with zero probability', () => {
    const withBanned = logSoftmax(Float32Array.from([0, -Infinity, 0, -Infinity]));
    const f = frequencies(withBanned, 500, 0, 1);
    expect(f[1] + f[3]).toBe(0);
    expect(frequencies(withBanned, 500, 4, 1)[1]).toBe(0);
  });

  it('is deterministic for a seeded generator', () => {
    const draw = (seed: number) => {
      const rng = createRng(seed);
      return Array.from({ length: 50 }, () => sampleToken(lp, rng, 0, 1));
    };
    expect(draw(9)).toEqual(draw(9));
    expect(draw(9)).not.toEqual(draw(10));
  });
});

describe('penalizeRepeats', () => {
  const logits = Float32Array.from([2, -2, 0.5, 3, 1]);

  it('divides positive and multiplies negative logits of seen tokens, once each', () => {
    const out = penalizeRepeats(logits, [0, 1, 1, 1, 2], 2);
    expect(Array.from(out)).toEqual([1, -4, 0.25, 3, 1]);
  });

  it('always lowers a seen token relative to unseen ones', () => {
    const out = penalizeRepeats(logits, [4], 1.5);
    expect(out[4]).toBeLessThan(logits[4]);
    expect(Array.from(out).filter((_, i) => i !== 4)).toEqual(Array.from(logits).filter((_, i) => i !== 4));
  });

  it('leaves exempt tokens alone and returns a copy without touching the input', () => {
    const before = Array.from(logits);
    const out = penalizeRepeats(logits, [0, 3], 2, new Set([3]));
    expect(Array.from(out)).toEqual([1, -2, 0.5, 3, 1]);
    expect(Array.from(logits)).toEqual(before);
    const same = penalizeRepeats(logits, [0, 1], 1);
    expect(Array.from(same)).toEqual(before);
    expect(same).not.toBe(logits);
  });
});
