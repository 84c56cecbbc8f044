/**
 * The built-in examples of a person request and of frustration written beside
 * the bot's own turns, so that the kinds are read beside the bot's own subjects.
 */
import { describe, expect, it } from 'vitest';
import { examplesInContext } from '../../src/understanding/kind-examples.ts';
import { Network } from '../../src/understanding/network.ts';
import { createRng } from '../../src/util/random.ts';
import type { Scorer } from '../../src/understanding/scorer.ts';
import { trainScorer } from '../../src/understanding/train-scorer.ts';
import { madeUpShopTurns } from './made-up-shop.ts';

const BUILTINS = {
  'asks-for-person': ['human please', 'i want to talk to a real person', 'get me an agent'],
  frustrated: ['this is ridiculous', 'worst service ever', 'i am so angry'],
};

/** The made-up shop's turns, four of them marked as angry with a word no built-in example has. */
const MARKED = ['this is bananas, where is my oak desk', 'bananas, order 40411 is late again', 'utterly bananas, the kettle is broken', 'totally bananas service'].map((text) => ({ text, kind: 'frustrated' as const }));
let trained: Scorer | undefined;
/** One scorer trained for real on the made-up shop and its marked turns, shared by the tests below. */
const shopScorer = () => (trained ??= trainScorer({ inDomain: [...madeUpShopTurns(), ...MARKED], dim: 16, hidden: 16, buckets: 4096, epochs: 30, heldOut: 0.2, seed: 3 }));

describe('built-in examples beside the bot’s own turns', () => {
  it('write about half of each kind’s examples before or after one of the turns, the same way for the same seed', () => {
    const turns = ['where is my order 40411', 'is the oak desk in stock'];
    const made = examplesInContext(BUILTINS, turns, createRng(5));

    expect(made).toEqual(examplesInContext(BUILTINS, turns, createRng(5)));
    for (const { text, kind } of made) {
      expect(BUILTINS[kind].some((example) => text.includes(example)), text).toBe(true);
      expect(turns.some((turn) => text.includes(turn)), text).toBe(true);
    }
    const big = { 'asks-for-person': BUILTINS['asks-for-person'].flatMap((t) => Array.from({ length: 100 }, (_, i) => `${t} ${i}`)), frustrated: [] };
    expect(examplesInContext(big, turns, createRng(5)).length).toBeGreaterThan(120);
    expect(examplesInContext(big, turns, createRng(5)).length).toBeLessThan(180);
    expect(examplesInContext(BUILTINS, [], createRng(5))).toEqual([]);
  });

  it('let the scorer read frustration told beside one of the shop’s own problems', () => {
    const scorer = shopScorer();

    const angry = ['the blue kettle is broken, this is a disgrace', 'can i pay for the desk lamp with paypal? this is so frustrating', 'is the coffee grinder in stock? i am fed up', 'my card was charged twice for order 40274, unacceptable'];
    for (const text of angry) expect(scorer.understand(text).kind, text).toBe('frustrated');
    for (const text of ['has order 40411 shipped yet, let me speak to an agent', 'where is my order 40548, get me someone']) expect(scorer.understand(text).kind, text).toBe('asks-for-person');
    for (const text of ['my oak desk has not arrived', 'is the coffee grinder in stock?']) expect(scorer.understand(text).kind, text).toBe('ordinary');
  });
});

describe('calm examples and turns the corpus marks', () => {
  it('train toward "ordinary or off-topic" without choosing between them', () => {
    const network = new Network({ rows: 10, dim: 4, dense: 1, hidden: 8, kinds: 4, intents: 0 }, undefined, 2);
    const rows = [1, 2, 3];
    const dense = Float32Array.of(0.5);
    const before = network.forward(rows, dense).kind;
    const loss = network.train(rows, dense, [0, 1], -1, 0.5);

    expect(loss).toBeCloseTo(-Math.log(before[0] + before[1]), 5);
    for (let i = 0; i < 50; i++) network.train(rows, dense, [0, 1], -1, 0.5);
    const after = network.forward(rows, dense).kind;
    expect(after[2] + after[3]).toBeLessThan((before[2] + before[3]) / 5);
    // nothing pushed one of the two allowed kinds to zero
    expect(Math.min(after[0], after[1])).toBeGreaterThan(0.05);
  });

  it('keep a polite problem report from reading as anger or a request for a person, and teach the kinds the corpus marks', () => {
    const scorer = shopScorer();

    for (const text of ['bananas, where is my desk lamp', 'the wool scarf is bananas']) expect(scorer.understand(text).kind, text).toBe('frustrated');
    for (const text of ['hi, the garden hose arrived with a crack, could you check? thanks', 'my blender stopped working after a week, can i get a replacement?', 'i was charged twice for order 40274, could you look into it']) {
      expect(['ordinary', 'off-topic'], text).toContain(scorer.understand(text).kind);
    }
    // marked turns are not held out as ordinary turns to choose the threshold on
    expect(scorer.calibration.heldOut.inDomain).toBe(Math.round(new Set(madeUpShopTurns().map((t) => t.text)).size * 0.2));
  });
});
