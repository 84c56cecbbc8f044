/** The evaluation gate, the training mix and the fixed held-out slice. */
import { describe, expect, it } from 'vitest';
import type { Dialogue } from '../../src/data/dialogue.ts';
import { baseEvalSlice } from '../../src/learning/eval-set.ts';
import { applyGate, DEFAULT_GATE, resolveGate } from '../../src/learning/gate.ts';
import { MAX_EXPORT_REPEATS, mixTrainingSet } from '../../src/learning/training-mix.ts';
import type { EvalSummary } from '../../src/registry/lineage.ts';

const summary = (perWordPerplexity: number, bleu4: number): EvalSummary => ({ modelVersion: 'v', turns: 10, perWordPerplexity, perTokenPerplexity: perWordPerplexity, bleu4, distinct1: 0.4, distinct2: 0.6, avgLength: 7 });

describe('the gate', () => {
  it('passes a candidate within the perplexity allowance whose BLEU did not fall', () => {
    const v = applyGate(summary(10.4, 20), summary(10, 20), DEFAULT_GATE); // +4 %
    expect(v.passed).toBe(true);
    expect(v.checks.every((c) => c.passed)).toBe(true);
    expect(v.message).toMatch(/^gate passed/);
  });

  it('refuses a perplexity rise above the allowance, naming the metric and both values', () => {
    const v = applyGate(summary(10.6, 25), summary(10, 20), DEFAULT_GATE); // +6 %
    expect(v.passed).toBe(false);
    expect(v.message).toContain('per-word perplexity 10.600');
    expect(v.message).toContain('10.000');
    expect(v.message).toContain('6%');
    expect(v.message).not.toContain('BLEU');
    expect(v.checks.find((c) => c.metric === 'perWordPerplexity')!.passed).toBe(false);
  });

  it('refuses a lower BLEU even when perplexity improved', () => {
    const v = applyGate(summary(8, 19.5), summary(10, 20), DEFAULT_GATE);
    expect(v.passed).toBe(false);
    expect(v.message).toContain('BLEU-4 19.500 is below the current model\'s 20.000');
    expect(v.message).not.toContain('perplexity 8');
  });

  it('names both metrics when both fail, and follows the configured thresholds', () => {
    expect(applyGate(summary(12, 10), summary(10, 20), DEFAULT_GATE).message).toMatch(/per-word perplexity.*; BLEU-4/);
    expect(applyGate(summary(12, 20), summary(10, 20), resolveGate({ maxPplIncrease: 0.25 })).passed).toBe(true);
    expect(applyGate(summary(10, 21), summary(10, 20), resolveGate({ minBleuDelta: 2 })).passed).toBe(false);
    expect(applyGate(summary(10, 19), summary(10, 20), resolveGate({ minBleuDelta: -2 })).passed).toBe(true);
  });

  it('never passes a perplexity that is not a number', () => {
    expect(applyGate(summary(NaN, 20), summary(10, 20), DEFAULT_GATE).passed).toBe(false);
  });

  it('rejects bad settings with the flag named', () => {
    expect(() => resolveGate({ maxPplIncrease: -1 })).toThrow(/--max-ppl-increase/);
    expect(() => resolveGate({ minBleuDelta: NaN })).toThrow(/--min-bleu-delta/);
  });
});

const dialogues = (n: number, tag: string): Dialogue[] => Array.from({ length: n }, (_, i) => ({ id: `${tag}${i}`, turns: [{ speaker: 'user', text: `q${i}` }, { speaker: 'bot', text: `a${i}` }] }));

describe('the training mix', () => {
  it('repeats the export until it is at least a fifth of the mix', () => {
    const m = mixTrainingSet(dialogues(1000, 'b'), dialogues(10, 'e'));
    const exported = m.dialogues.filter((d) => d.id.startsWith('e')).length;
    expect(m.repeats).toBe(25);
    expect(exported / m.dialogues.length).toBeGreaterThanOrEqual(0.2);
    expect((exported - 10) / (m.dialogues.length - 10)).toBeLessThan(0.2); // one copy fewer would not do
    expect(new Set(m.dialogues.map((d) => d.id)).size).toBe(m.dialogues.length);
  });

  it('takes a large export once', () => {
    expect(mixTrainingSet(dialogues(10, 'b'), dialogues(50, 'e')).repeats).toBe(1);
  });

  it('repeats a single correction among thousands of base dialogues a bounded number of times', () => {
    const few = mixTrainingSet(dialogues(4000, 'b'), dialogues(1, 'e'));
    expect(few.repeats).toBe(MAX_EXPORT_REPEATS);
    expect(few.dialogues).toHaveLength(4000 + MAX_EXPORT_REPEATS);
  });
});

describe('the held-out slice of the base corpus', () => {
  it('is deterministic, disjoint from training, and stays put when the corpus grows', () => {
    const base = dialogues(400, 'd');
    const a = baseEvalSlice(base);
    expect(a.held.length).toBeGreaterThan(5);
    expect(a.held.length).toBeLessThan(40);
    expect(a.train.length + a.held.length).toBe(400);
    const heldIds = new Set(a.held.map((d) => d.id));
    expect(a.train.some((d) => heldIds.has(d.id))).toBe(false);
    expect(baseEvalSlice(base).held.map((d) => d.id)).toEqual(a.held.map((d) => d.id));
    const grown = baseEvalSlice([...base, ...dialogues(40, 'new')]);
    for (const id of heldIds) expect(grown.held.some((d) => d.id === id)).toBe(true);
  });

  it('holds out at least one dialogue of a tiny corpus, and at most `max`', () => {
    expect(baseEvalSlice(dialogues(3, 't')).held).toHaveLength(1);
    expect(baseEvalSlice(dialogues(400, 'd'), { fraction: 0.5, max: 7 }).held).toHaveLength(7);
  });
});
