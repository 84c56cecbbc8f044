/**
 * A small made-up shop corpus for the scorer tests: user turns with intents,
 * from templates, and a small scorer trained on them (fast settings).
 */
import { trainScorer } from '../../src/understanding/train-scorer.ts';
import type { Scorer } from '../../src/understanding/scorer.ts';

const PRODUCTS = ['blue kettle', 'oak desk', 'wool scarf', 'desk lamp', 'running shoes', 'coffee grinder'];
const TEMPLATES: Record<string, string[]> = {
  track_order: ['where is my order {n}', 'has order {n} shipped yet', 'when will my {p} arrive', 'my {p} has not arrived', 'can you track order {n} for me'],
  return_item: ['i want to return the {p}', 'how do i send back my {p}', 'the {p} is broken, can i return it', 'can i get a refund for the {p}'],
  product_info: ['do you have the {p} in black', 'is the {p} in stock', 'how much is the {p}', 'what size is the {p}'],
  payment: ['can i pay for the {p} with paypal', 'my card was charged twice for order {n}', 'do you take credit cards', 'the payment for order {n} failed'],
};

/** Distinct user turns with their intents (about 200). */
export function madeUpShopTurns(): { text: string; intent: string }[] {
  const out: { text: string; intent: string }[] = [];
  for (const [intent, templates] of Object.entries(TEMPLATES)) {
    for (const t of templates) {
      for (let i = 0; i < PRODUCTS.length; i++) out.push({ intent, text: t.replace('{p}', PRODUCTS[i]).replace('{n}', String(40_000 + i * 137)) });
    }
  }
  return out;
}

const trained = new Map<number, Scorer>();

/** A scorer trained on the made-up corpus in about a second (one per fallback rate, shared by a test file). */
export function smallScorer(fallbackRate = 0.05): Scorer {
  let s = trained.get(fallbackRate);
  if (!s) trained.set(fallbackRate, (s = trainScorer({ inDomain: madeUpShopTurns(), fallbackRate, dim: 16, hidden: 16, buckets: 4096, epochs: 30, heldOut: 0.2, seed: 3 })));
  return s;
}
