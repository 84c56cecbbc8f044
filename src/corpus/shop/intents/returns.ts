/**
 * Returns and refunds: the return policy, starting a return, refund status and
 * exchanges for another size or color. Policy: 30 days from delivery, free
 * prepaid UPS label, refunds land in 5-7 business days.
 */
import type { DialogueContext } from '../context.ts';
import { askAnswer, emailRef, openAboutOrder, type Flow, type QaGroup } from '../flow.ts';
import { ALL_COLORS, PRODUCTS } from '../catalog.ts';
import { sentences } from '../text.ts';

const POLICY: QaGroup = {
  user: [
    "What's your return policy?", 'Can I return something I bought?', 'How many days do I have to return an item?',
    'Do you accept returns?', 'how do returns work', 'Are returns free?', 'What if I want to send something back?',
    'Can I return an item if I already opened it?',
  ],
  bot: [
    'You can return most items within 30 days of delivery for a full refund. Returns are free: we email you a prepaid UPS label.',
    'Our return window is 30 days from delivery. Opened items are fine as long as they are unused, and return shipping is free.',
    'Returns are free within 30 days of delivery. Start one from Orders in your account and we will email you a prepaid label.',
  ],
};
const START_WITHOUT = [
  'I want to return the {product}.', "I'd like to return an item.", 'How do I return my {product}?',
  "The {product} {doesnt} fit, I want to send {it} back.", 'I need to return something', 'Can I return the {product} I bought?',
  'I want a refund for the {product}.', "I don't like the {product}, can I return {it}?", 'return the {product} please',
];
const START_WITH = ["I'd like to return the {product} from order {order}.", 'Can I return order {order}?', 'I want to send back the {product}, order {order}.'];
const FOLLOW_UPS: readonly QaGroup[] = [
  {
    user: ['When will I get my money back?', 'How long does the refund take?', 'when do i get the refund'],
    bot: ['Once the {product} reaches our warehouse, the refund of {total} goes back to your original payment method within 5-7 business days.'],
  },
  {
    user: ['Do I need the original box?', 'I threw away the packaging, is that a problem?'],
    bot: ['The original packaging is nice but not required. Any sturdy box works for the {product}.'],
  },
  {
    user: ['Can I drop it off somewhere?', 'Where do I take the package?', 'Do I have to print the label?'],
    bot: ['You can drop the {product} at any UPS Store or UPS drop-off point. If you have no printer, show the QR code from the email and they will print the label for you.'],
  },
];

function startReturn(ctx: DialogueContext): void {
  const order = ctx.newOrder({ status: 'delivered' });
  const ack = openAboutOrder(ctx, order, START_WITHOUT, START_WITH);
  const vars = { ...ctx.orderVars(order), to: emailRef(ctx), late: ctx.dateIn(-40) };
  if (ctx.rng.chance(0.1)) {
    ctx.bot(sentences(ack, ctx.say([
      "Order {order} was delivered on {late}, which is past our 30-day return window. I can offer {total} in store credit instead. Would that work?",
    ], vars)));
    const yes = ctx.rng.chance(0.7);
    ctx.user(ctx.rng.pick(yes ? ['ok, store credit is fine', 'Yes, that works.', 'Fine, I will take the credit.'] : ['No thanks, I will keep it then.', "no, I'll just keep it"]));
    ctx.bot(yes
      ? ctx.say(["Done! {total} in store credit has been added to your account. Please send the {product} back with the label we'll email you."], vars)
      : ctx.say(['Understood. If you change your mind, the store credit offer for order {order} stands for two weeks.'], vars));
    return;
  }
  ctx.bot(sentences(ack, ctx.say([
    "I've started a return for the {product} on order {order}. A prepaid return label is on its way to {to}.",
    'Your return for order {order} is set up. We just emailed a free UPS label to {to}; once the {product} is back, we will refund {total}.',
    'All set: return started for the {product} from order {order}. Check {to} for your prepaid label.',
  ], vars)));
  if (ctx.rng.chance(0.45)) askAnswer(ctx, ctx.rng.pick(FOLLOW_UPS), vars);
}

function refundStatus(ctx: DialogueContext): void {
  const order = ctx.newOrder({ status: 'delivered' });
  const ack = openAboutOrder(ctx, order, [
    'Where is my refund?', 'I returned an item two weeks ago and still have no refund.', 'When will I get my refund?',
    "I haven't received my refund yet", 'Has my refund been processed?', 'I sent back the {product} but no refund yet.',
  ], ["What's the status of my refund for order {order}?", 'Did you get my return for {order}?', 'refund for order {order}?'], { pGiven: 0.3 });
  const vars = { ...ctx.orderVars(order), issued: ctx.dateIn(-2), received: ctx.dateIn(-1), arrives: ctx.longDateIn(2) };
  const stage = ctx.rng.pick(['issued', 'received', 'transit'] as const);
  const replies = {
    issued: [
      'The refund of {total} for order {order} was issued on {issued}. Banks can take 5-7 business days to show it on your statement.',
      'I can see we refunded {total} for order {order} on {issued}. It should appear on your statement within 5-7 business days.',
    ],
    received: [
      'We received your return for order {order} on {received}, and the refund of {total} will be issued within 2 business days. You will get an email when it is done.',
    ],
    transit: [
      "We haven't received the return for order {order} yet. Tracking shows it reaching our warehouse by {arrives}, and we'll refund {total} right after.",
    ],
  };
  ctx.bot(sentences(ack, ctx.say(replies[stage], vars)));
}

function exchange(ctx: DialogueContext): void {
  const sized = PRODUCTS.filter((p) => p.category === 'apparel' || p.category === 'footwear');
  const bySize = ctx.rng.chance(0.65);
  const product = ctx.rng.pick(bySize ? sized : PRODUCTS.filter((p) => p.colors.length > 1));
  const order = ctx.newOrder({ product, status: 'delivered' });
  const vars = ctx.orderVars(order);
  const ack = openAboutOrder(ctx, order, bySize
    ? ['Can I exchange the {product} for a different size?', 'The {product} {is} too small, can I swap {it} for a bigger size?', '{product} too big, can i exchange?', 'I need a different size of the {product}.']
    : ['Can I exchange my {product} for another color?', "I'd like the {product} in a different color.", "I don't love the color of the {product}, can I swap {it}?"],
  bySize ? ['Can I exchange the {product} from order {order} for another size?'] : ['Can I swap the color of the {product} on order {order}?'], { pGiven: 0.25 });
  const choice = bySize ? ctx.rng.pick(product.sizes ?? ['M']) : ctx.rng.pick(product.colors);
  const what = bySize ? `size ${choice}` : choice;
  ctx.bot(sentences(ack, ctx.say([
    bySize ? 'Sure, I can exchange the {product} on order {order}. Which size would you like instead?' : 'Sure, the {product} on order {order} can be exchanged. Which color would you like?',
  ], vars)));
  if (!bySize && ctx.rng.chance(0.3)) {
    const missing = ctx.rng.pick(ALL_COLORS.filter((c) => !product.colors.includes(c)));
    ctx.user(ctx.rng.pick([`Do you have it in ${missing}?`, `${missing} please`]));
    ctx.bot(ctx.say([`Sorry, the {product} {doesnt} come in ${missing}. It's available in ${product.colors.join(', ')}.`], vars));
  }
  ctx.user(ctx.rng.pick([`${what} please`, `${what}`, `Can I get ${what}?`, `I'd like ${what}.`, `${what} would be great`]));
  ctx.bot(ctx.say([
    `Done! I've set up an exchange for the {product} in ${what} on order {order}. The new one ships as soon as the return label is scanned.`,
    `All set. Order {order} is being exchanged for the {product} in ${what}; a prepaid label for the original is in your email.`,
  ], vars));
}

/** The returns and refunds flows. */
export const RETURN_FLOWS: readonly Flow[] = [
  { topic: 'returns', name: 'return-policy', weight: 2, thanks: ['for the info', 'for explaining'], run: (ctx) => askAnswer(ctx, POLICY) },
  { topic: 'returns', name: 'start-return', weight: 4, thanks: ['for sorting out the return', 'for helping with the return'], run: startReturn },
  { topic: 'returns', name: 'refund-status', weight: 3, thanks: ['for checking on my refund', 'for the update'], run: refundStatus },
  { topic: 'returns', name: 'exchange', weight: 2, thanks: ['for setting up the exchange', 'for sorting that out'], run: exchange },
];
