/**
 * Builds the bundled customer-service corpus for the fictional shop Northwind
 * Goods: each dialogue is an optional greeting, one to three topic flows
 * (sometimes with small talk), a closing, and the customer's typing style
 * applied to their turns. Dialogue `i` depends only on the seed and `i`.
 */
import type { Dialogue } from '../../data/dialogue.ts';
import { withActionTurns } from './actions.ts';
import { DialogueContext, makeCustomer } from './context.ts';
import type { Flow, ShopTopic } from './flow.ts';
import { ACCOUNT_FLOWS } from './intents/account.ts';
import { askAnythingElse, runClosing } from './intents/closings.ts';
import { COMPLAINT_FLOWS } from './intents/complaints.ts';
import { mergeGreeting, planGreeting, runSeparateGreeting } from './intents/greetings.ts';
import { ORDER_FLOWS, revisitOrder } from './intents/orders.ts';
import { PAYMENT_FLOWS } from './intents/payments.ts';
import { PRODUCT_FLOWS } from './intents/products.ts';
import { RETURN_FLOWS } from './intents/returns.ts';
import { SHIPPING_FLOWS } from './intents/shipping.ts';
import { runSmalltalkAside, runSmalltalkPrelude } from './intents/smalltalk.ts';
import { pickStyle, roughen } from './noise.ts';
import { deriveSeed, Rng } from './random.ts';
import { lowerFirst } from './text.ts';

/** Options of `generateShopCorpus`. */
export interface ShopCorpusOptions {
  dialogues: number;
  seed: number;
}

/** A generated dialogue with the topics it covers, in order of appearance. */
export interface TaggedDialogue {
  dialogue: Dialogue;
  topics: ShopTopic[];
  /** Names of the topic flows played, in order (e.g. `track-order`). */
  flows: string[];
}

/** Main topics with their share of the corpus, and their flows. */
const TOPICS: readonly (readonly [ShopTopic, number, readonly Flow[]])[] = [
  ['orders', 22, ORDER_FLOWS],
  ['returns', 16, RETURN_FLOWS],
  ['products', 15, PRODUCT_FLOWS],
  ['payments', 13, PAYMENT_FLOWS],
  ['account', 12, ACCOUNT_FLOWS],
  ['shipping', 12, SHIPPING_FLOWS],
  ['complaints', 10, COMPLAINT_FLOWS],
];
const AFTER_ANYTHING_ELSE = ['Yes, actually. ', 'Actually, yes. ', 'Yes, one more thing. ', 'yes, ', 'Yeah, ', 'Oh, yes! '];
const NEW_TOPIC = ['Also, ', 'One more thing: ', 'oh and ', 'While I have you, ', 'Another question: ', 'Also ', 'And '];

/** Generates `dialogues` dialogues with ids `shop-00001`, `shop-00002`, ... */
export function generateShopCorpus(opts: ShopCorpusOptions): Dialogue[] {
  return generateTaggedShopCorpus(opts).map((tagged) => tagged.dialogue);
}

/** Like `generateShopCorpus`, keeping each dialogue's topic tags (for stats and tests). */
export function generateTaggedShopCorpus({ dialogues, seed }: ShopCorpusOptions): TaggedDialogue[] {
  if (!Number.isInteger(dialogues) || dialogues < 0) throw new Error(`dialogues must be a non-negative integer, got ${dialogues}`);
  const out: TaggedDialogue[] = [];
  for (let i = 0; i < dialogues; i++) out.push(buildShopDialogue(seed, i));
  return out;
}

/** Builds dialogue number `index` (0-based) of the corpus for `seed`. */
export function buildShopDialogue(seed: number, index: number): TaggedDialogue {
  const rng = new Rng(deriveSeed(seed, index));
  const ctx = new DialogueContext(rng, makeCustomer(rng));
  const style = pickStyle(rng);
  const topics: ShopTopic[] = [];
  const flowNames: string[] = [];
  const tag = (topic: ShopTopic) => {
    if (!topics.includes(topic)) topics.push(topic);
  };

  const greeting = planGreeting(ctx);
  if (greeting !== 'none') tag('greeting');
  if (greeting === 'separate') runSeparateGreeting(ctx);
  let mergePending = greeting === 'merged';
  if (rng.chance(0.09)) {
    const start = ctx.turns.length;
    runSmalltalkPrelude(ctx);
    tag('smalltalk');
    if (mergePending) mergeGreeting(ctx, start);
    mergePending = false;
  }

  const count = rng.weighted([[1, 0.72], [2, 0.24], [3, 0.04]] as const);
  let last: Flow | undefined;
  for (let i = 0; i < count; i++) {
    const [topic, flows] = pickTopic(rng, topics);
    const asked = i > 0 && rng.chance(0.5);
    if (asked) askAnythingElse(ctx);
    const start = ctx.turns.length;
    const flow = pickFlow(rng, flows);
    flow.run(ctx);
    flowNames.push(flow.name);
    if (i > 0) {
      const prefix = rng.pick(asked ? AFTER_ANYTHING_ELSE : NEW_TOPIC);
      const turn = ctx.turns[start];
      turn.text = prefix + (prefix.endsWith('. ') || prefix.endsWith('! ') ? turn.text : lowerFirst(turn.text));
    }
    if (mergePending) mergeGreeting(ctx, start);
    mergePending = false;
    tag(topic);
    last = flow;
    if (i < count - 1 && rng.chance(0.06)) {
      runSmalltalkAside(ctx);
      tag('smalltalk');
    }
  }
  // multi-topic conversations come back to the first order now and then (it is looked up again)
  if (count > 1 && ctx.orders.length > 0 && ctx.orders[0].status !== 'delivered' && rng.chance(0.3)) {
    revisitOrder(ctx, ctx.orders[0]);
    flowNames.push('revisit-order');
  }
  if (rng.chance(0.05)) {
    runSmalltalkAside(ctx);
    tag('smalltalk');
  }
  if (rng.chance(0.9)) {
    const asked = rng.chance(0.35);
    if (asked) askAnythingElse(ctx);
    runClosing(ctx, last, asked);
    tag('goodbye');
  }

  for (const turn of ctx.turns) {
    if (turn.speaker === 'user') turn.text = roughen(turn.text, style, rng);
  }
  const id = `shop-${String(index + 1).padStart(5, '0')}`;
  return { dialogue: { id, turns: withActionTurns(ctx, ctx.turns) }, topics, flows: flowNames };
}

function pickTopic(rng: Rng, used: readonly ShopTopic[]): readonly [ShopTopic, readonly Flow[]] {
  const open = TOPICS.filter(([topic]) => !used.includes(topic));
  const [topic, , flows] = rng.weighted(open.map((entry) => [entry, entry[1]] as const));
  return [topic, flows];
}

function pickFlow(rng: Rng, flows: readonly Flow[]): Flow {
  return rng.weighted(flows.map((flow) => [flow, flow.weight] as const));
}
