/**
 * The built-in examples of a person request and of frustration written beside
 * the bot's own turns, so that the kinds are read beside the bot's own subjects.
 */
import { describe, expect, it } from 'vitest';
import { examplesInContext } from '../../src/understanding/kind-examples.ts';
import { seededRandom } from '../../src/understanding/network.ts';
import { trainScorer } from '../../src/understanding/train-scorer.ts';
import { madeUpShopTurns } from './made-up-shop.ts';

const BUILTINS = {
  'asks-for-person': ['human please', 'i want to talk to a real person', 'get me an agent'],
  frustrated: ['this is ridiculous', 'worst service ever', 'i am so angry'],
};

describe('built-in examples beside the bot’s own turns', () => {
  it('write about half of each kind’s examples before or after one of the turns, the same way for the same seed', () => {
    const turns = ['where is my order 40411', 'is the oak desk in stock'];
    const made = examplesInContext(BUILTINS, turns, seededRandom(5));

    expect(made).toEqual(examplesInContext(BUILTINS, turns, seededRandom(5)));
    for (const { text, kind } of made) {
      expect(BUILTINS[kind].some((example) => text.includes(example)), text).toBe(true);
      expect(turns.some((turn) => text.includes(turn)), text).toBe(true);
    }
    const big = { 'asks-for-person': BUILTINS['asks-for-person'].flatMap((t) => Array.from({ length: 100 }, (_, i) => `${t} ${i}`)), frustrated: [] };
    expect(examplesInContext(big, turns, seededRandom(5)).length).toBeGreaterThan(120);
    expect(examplesInContext(big, turns, seededRandom(5)).length).toBeLessThan(180);
    expect(examplesInContext(BUILTINS, [], seededRandom(5))).toEqual([]);
  });

  it('let the scorer read frustration told beside one of the shop’s own problems', () => {
    const scorer = trainScorer({ inDomain: madeUpShopTurns(), dim: 16, hidden: 16, buckets: 4096, epochs: 30, heldOut: 0.2, seed: 3 });

    const angry = ['the blue kettle is broken, this is a disgrace', 'can i pay for the desk lamp with paypal? this is so frustrating', 'is the coffee grinder in stock? i am fed up', 'my card was charged twice for order 40274, unacceptable'];
    for (const text of angry) expect(scorer.understand(text).kind, text).toBe('frustrated');
    for (const text of ['has order 40411 shipped yet, let me speak to an agent', 'where is my order 40548, get me someone']) expect(scorer.understand(text).kind, text).toBe('asks-for-person');
    for (const text of ['my oak desk has not arrived', 'is the coffee grinder in stock?']) expect(scorer.understand(text).kind, text).toBe('ordinary');
  });
});
