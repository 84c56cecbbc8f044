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

const MORE_TEMPLATES: Record<string, string[]> = {
  ...TEMPLATES,
  cancel_order: ['please cancel order {n}', 'i want to cancel my {p} order', 'can you stop order {n} before it ships'],
  change_address: ['can i change the address on order {n}', 'ship my {p} to my new address', 'i moved, update the delivery address for order {n}'],
  gift_wrap: ['can you gift wrap the {p}', 'is gift wrapping available for order {n}', 'add a gift note to my {p}'],
  warranty: ['how long is the warranty on the {p}', 'is my {p} still under warranty', 'the warranty claim for order {n}'],
  discount: ['do you have a discount code for the {p}', 'my coupon did not work on order {n}', 'is the {p} on sale this week'],
  invoice: ['can i get an invoice for order {n}', 'send me the receipt for my {p}', 'the invoice for order {n} has the wrong name'],
  size_exchange: ['can i swap the {p} for a bigger size', 'exchange my {p} for another colour', 'i need a different size for order {n}'],
  store_hours: ['when does the store that sells the {p} open', 'are you open on sunday to pick up the {p}', 'can i collect order {n} in store today'],
};

/** Distinct user turns of twelve topics, each its dialogue's only one and the turn's intent (about 250): enough topics for the scorer's probes of new ones. */
export function manyTopicTurns(): { text: string; intent: string; topics: string[] }[] {
  return Object.entries(MORE_TEMPLATES).flatMap(([topic, templates]) => templates.flatMap((t) => PRODUCTS.map((p, i) => ({ intent: topic, topics: [topic], text: t.replace('{p}', p).replace('{n}', String(40_000 + i * 137)) }))));
}
