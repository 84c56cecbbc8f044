/**
 * Complaints: damaged, wrong or missing items, late deliveries, products that
 * broke, and unhappy feedback about service. The bot apologizes first, asks
 * for what it needs, then fixes the problem for the named order.
 */
import type { DialogueContext } from '../context.ts';
import { productVars } from '../context.ts';
import { PRODUCTS } from '../catalog.ts';
import { openAboutOrder, type Flow } from '../flow.ts';
import { sentences } from '../text.ts';

const APOLOGIES = ["I'm so sorry about that!", "I'm sorry to hear that.", 'Oh no, I apologize for that.', "That's not the experience we want you to have, I'm sorry."];

function damaged(ctx: DialogueContext): void {
  const order = ctx.newOrder({ status: 'delivered' });
  const vars = ctx.orderVars(order);
  const ack = openAboutOrder(ctx, order, [
    'My {product} arrived broken.', 'The {product} I received is damaged.', 'my package came damaged',
    'The box was crushed and the {product} {is} broken!', 'I just got my order and the {product} {is} damaged.',
    'the {product} came with a big scratch on {it}', 'Your courier destroyed my package.',
  ], ['The {product} from order {order} arrived damaged.', 'Order {order} came broken.'], { pGiven: 0.3, lead: ctx.rng.pick(APOLOGIES) });
  ctx.bot(sentences(ack, ctx.say([
    'Would you prefer a replacement or a refund for the {product} on order {order}?',
    'For order {order}, I can send a new {product} or refund you. Which would you like?',
  ], vars)));
  if (ctx.rng.chance(0.6)) {
    ctx.user(ctx.rng.pick(['a replacement please', 'replacement', "I'd like a new one.", 'Send a new one please', 'replace it']));
    ctx.bot(ctx.say([
      "Done! A new {product} ships today at no cost, and you don't need to return the damaged one. You'll get tracking by email.",
      'I have sent a free replacement for order {order}. It leaves our warehouse today, and you can keep or recycle the damaged {product}.',
    ], vars));
  } else {
    ctx.user(ctx.rng.pick(["I'd like a refund", 'refund please', 'just refund me', 'A refund, please.']));
    ctx.bot(ctx.say([
      "Done. I've refunded {total} for the {product} on order {order}. It will show on your statement in 5-7 business days, and there's no need to send it back.",
      'I have issued a full refund of {total} for order {order}. You should see it within 5-7 business days.',
    ], vars));
  }
}

function wrongOrMissing(ctx: DialogueContext): void {
  const order = ctx.newOrder({ status: 'delivered' });
  const other = ctx.rng.pickOther(PRODUCTS, order.product);
  const vars = { ...ctx.orderVars(order), other: other.name };
  const missing = ctx.rng.chance(0.4);
  const ack = openAboutOrder(ctx, order, missing
    ? ['An item is missing from my order.', 'My package arrived without the {product}.', 'The {product} was not in the box!', 'I only got part of my order.']
    : ['I received the wrong item.', 'I ordered the {product} but got the {other} instead.', "This isn't what I ordered!", 'You sent me the wrong thing.'],
  missing ? ['The {product} is missing from order {order}.'] : ['Order {order} had the wrong item in it.', 'I got the {other} instead of the {product} in order {order}.'],
  { pGiven: 0.3, lead: ctx.rng.pick(APOLOGIES), vars });
  ctx.bot(sentences(ack, ctx.say(missing ? [
    'The {product} from order {order} is shipping separately today with express delivery at no cost. You will get a tracking email shortly.',
    "I've checked order {order}, and the {product} was left out by mistake. A replacement is on its way by express shipping.",
  ] : [
    "Order {order} should have been the {product}. I've shipped the correct item today with express delivery, and we'll email you a prepaid label for the {other}.",
    "I see the mix-up on order {order}: you should have received the {product}. It ships today by express, and you can return the {other} with the free label we're emailing you.",
  ], vars)));
}

/** Late-delivery openings said in anger (the scorer learns them as frustration). */
const LATE_ANGRY = ['This is ridiculous, my order is two weeks late!', "I'm really unhappy, my order still hasn't arrived.", 'worst service ever, where is my stuff'];
const LATE_ANGRY_WITH_NUMBER = ['Order {order} is more than a week late. This is not acceptable.', "Where on earth is order {order}? It's so late."];

function late(ctx: DialogueContext): void {
  const order = ctx.newOrder({ status: 'shipped' });
  const vars = ctx.orderVars(order);
  const ack = openAboutOrder(ctx, order, [
    ...LATE_ANGRY, "I've been waiting forever for my order", 'Why is my delivery so late? I needed the {product} for this weekend.',
  ], LATE_ANGRY_WITH_NUMBER, {
    pGiven: 0.3,
    lead: ctx.rng.pick(["I'm really sorry for the wait.", 'I completely understand your frustration, and I am sorry.', 'I apologize for the delay.']),
    frustrated: [...LATE_ANGRY, ...LATE_ANGRY_WITH_NUMBER],
  });
  ctx.bot(sentences(ack, ctx.say([
    "Order {order} got delayed in the {carrier} network. It's moving again and should arrive by {eta}. I've refunded your shipping cost as an apology.",
    "I see order {order} was held up at a {carrier} sorting center. It's back on track for delivery by {eta}, and I've added a $10 credit to your account for the trouble.",
  ], vars)));
}

function brokeLater(ctx: DialogueContext): void {
  const product = ctx.rng.pick(PRODUCTS.filter((p) => p.category !== 'apparel'));
  const order = ctx.newOrder({ product, status: 'delivered' });
  const vars = ctx.orderVars(order);
  const ack = openAboutOrder(ctx, order, [
    'The {product} stopped working after a week.', 'My {product} broke after a month.', 'the {product} {is} already falling apart',
    'I am disappointed, the {product} broke the second time I used {it}.',
  ], ['The {product} from order {order} stopped working.'], { pGiven: 0.25, lead: ctx.rng.pick(APOLOGIES) });
  ctx.bot(sentences(ack, ctx.say([
    "The {product} {is} covered by {warranty}, so I've arranged a free replacement for order {order}. You'll get a shipping confirmation today.",
    'Good news is that {warranty} covers this. A replacement {product} for order {order} ships today, no need to send the old one back.',
  ], vars)));
}

function serviceFeedback(ctx: DialogueContext): void {
  const product = productVars(ctx.rng.pick(PRODUCTS));
  ctx.user(ctx.rng.pick([
    'I had a bad experience with one of your agents.', 'The person I spoke to yesterday was really rude.',
    'I want to make a complaint about your customer service.', 'Your support has been terrible lately.',
  ]));
  ctx.bot(ctx.rng.pick([
    "I'm sorry to hear that. Could you tell me what happened?",
    'I apologize, that should not happen. What happened, if you do not mind sharing?',
  ]));
  ctx.user(ctx.say([
    'They hung up on me when I asked about my refund.', "They told me I couldn't return the {product}, which isn't true.",
    'I waited an hour in the chat and nobody answered.', 'I was promised a call back and never got one.',
  ], product));
  ctx.bot(ctx.rng.pick([
    "Thank you for telling me. I've shared this with our support team lead so it's reviewed, and added a note to your account.",
    'I really appreciate you letting us know. I have passed this to our customer care manager, who will follow up by email within 2 business days.',
  ]));
}

/** The complaint flows. */
export const COMPLAINT_FLOWS: readonly Flow[] = [
  { topic: 'complaints', name: 'damaged-item', weight: 3, thanks: ['for sorting that out', 'for making it right'], run: damaged },
  { topic: 'complaints', name: 'wrong-or-missing-item', weight: 2.5, thanks: ['for sorting that out', 'for fixing this so quickly'], run: wrongOrMissing },
  { topic: 'complaints', name: 'late-delivery', weight: 2, thanks: ['for sorting that out', 'for the update'], run: late },
  { topic: 'complaints', name: 'broke-later', weight: 1.5, thanks: ['for the replacement', 'for making it right'], run: brokeLater },
  { topic: 'complaints', name: 'service-feedback', weight: 1, thanks: ['for listening', 'for passing it on'], run: serviceFeedback },
];
