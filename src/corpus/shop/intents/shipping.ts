/**
 * Shipping: costs and the free-shipping threshold, delivery times, countries,
 * carriers, weekend and PO box delivery, upgrading an order to express.
 * Policy numbers are the same in every reply: standard $5.99 (free from $50),
 * express $14.99, 3-5 / 1-2 business days, international $19.99 in 7-14 days.
 */
import type { DialogueContext } from '../context.ts';
import { askAnswer, openAboutOrder, type Flow, type QaGroup } from '../flow.ts';
import { CITIES, NO_SHIPPING_TO, SHIPS_TO } from '../slots.ts';
import { money, sentences, upperFirst } from '../text.ts';

const COST: QaGroup = {
  user: [
    'How much is shipping?', 'What are your shipping costs?', 'Do you offer free shipping?', 'Is shipping free?',
    'How much does delivery cost?', 'What does shipping cost to {city}?', 'Is there free shipping over a certain amount?',
    'how much do you charge for shipping', 'What are the delivery fees?',
  ],
  bot: [
    "Standard shipping is $5.99, and it's free on orders over $50. Express shipping is $14.99.",
    'Shipping is free on orders over $50. Otherwise standard shipping costs $5.99, and express is $14.99 for delivery in 1-2 business days.',
    'We offer free standard shipping on orders over $50. Below that it is $5.99, and express is $14.99.',
  ],
};
const TIME: QaGroup = {
  user: [
    'How long does delivery take?', 'How long will it take to get to {city}?', 'When would I get it if I order today?',
    'how fast is shipping', 'How many days does standard shipping take?', 'What are your delivery times?',
  ],
  bot: [
    'Standard delivery takes 3-5 business days and express takes 1-2 business days. Orders placed before 2 pm Eastern ship the same day.',
    'Delivery to {city} usually takes 3-5 business days with standard shipping, or 1-2 business days with express.',
    'Most orders arrive in 3-5 business days. If you need it sooner, express shipping takes 1-2 business days.',
  ],
};
const CARRIER: QaGroup = {
  user: ['Which carrier do you use?', 'Do you ship with UPS or FedEx?', 'who delivers your packages?', 'What courier will bring my order?'],
  bot: [
    'We ship with UPS, FedEx and USPS within the US, depending on your address, and with DHL for international orders.',
    'In the US we ship with UPS, FedEx or USPS, whichever is fastest for your address. International orders go with DHL.',
  ],
};
const WEEKEND: QaGroup = {
  user: ['Do you deliver on weekends?', 'Will my package come on Saturday?', 'do you ship on sundays'],
  bot: [
    'UPS and FedEx deliver on Saturdays in most areas and USPS delivers Monday to Saturday. Our warehouse ships orders Monday to Friday.',
    'Saturday delivery is common with all our carriers, but there is no Sunday delivery. We ship orders out Monday to Friday.',
  ],
};
const PO_BOX: QaGroup = {
  user: ['Can you ship to a PO box?', 'Do you deliver to PO boxes?', 'can i use a po box as my address'],
  bot: [
    'Yes, we can ship to PO boxes with USPS. Express shipping is not available for PO boxes, though.',
    'We do! Orders to a PO box go with USPS standard shipping, which takes 3-5 business days.',
  ],
};

function costOrTime(ctx: DialogueContext): void {
  const city = ctx.rng.pick(CITIES);
  const group = ctx.rng.pick([COST, COST, TIME, TIME, CARRIER, WEEKEND, PO_BOX]);
  askAnswer(ctx, group, { city });
  if (group !== COST || !ctx.rng.chance(0.45)) return;
  const cart = ctx.rng.int(18, 120) + ctx.rng.pick([0, 0.5, 0.99]);
  ctx.user(`${ctx.rng.pick(['My cart is', "I've got", 'My order comes to', 'I have'])} ${money(cart)}${ctx.rng.pick([', do I get free shipping?', '. Is shipping free then?', ', does that qualify?'])}`);
  ctx.bot(cart >= 50
    ? ctx.rng.pick(['Yes! Your cart is over $50, so standard shipping is free.', 'It does. Anything over $50 ships free with standard shipping.'])
    : `Not yet. Free shipping starts at $50, so you'd need ${money(50 - cart)} more. Otherwise standard shipping is $5.99.`);
}

function international(ctx: DialogueContext): void {
  const ships = ctx.rng.chance(0.6);
  const country = ctx.rng.pick(ships ? SHIPS_TO : NO_SHIPPING_TO);
  const list = 'the US, Canada, the UK, Ireland, Germany, France, the Netherlands, Australia and Japan';
  if (ctx.rng.chance(0.2)) {
    ctx.user(ctx.rng.pick(['Do you ship internationally?', 'Can I order from outside the US?', 'do you deliver abroad?']));
    ctx.bot(`Yes, we ship to ${list}. International shipping is a flat $19.99 and takes 7-14 business days.`);
    return;
  }
  const vars = { country, Country: upperFirst(country) };
  ctx.user(ctx.say(['Do you ship to {country}?', 'Can you deliver to {country}?', 'I live in {country}, can I order from you?', 'do you ship to {country}', 'Is shipping to {country} possible?'], vars));
  if (ships) {
    ctx.bot(ctx.say([
      'Yes, we ship to {country}! International shipping is a flat $19.99 and takes 7-14 business days with DHL. Import duties may apply.',
      'We do. Orders to {country} go with DHL, cost $19.99 to ship and usually arrive in 7-14 business days.',
    ], vars));
    if (ctx.rng.chance(0.35)) {
      ctx.user(ctx.rng.pick(['Will I have to pay customs?', 'are duties included?', 'Do I pay import taxes?']));
      ctx.bot(ctx.say(['Import duties and taxes are not included, so {country} customs may charge them when the parcel arrives. DHL will contact you if anything is due.'], vars));
    }
    return;
  }
  ctx.bot(`I'm sorry, we don't ship to ${country} yet. We currently ship to ${list}.`);
}

function expressUpgrade(ctx: DialogueContext): void {
  const order = ctx.newOrder({ status: ctx.rng.chance(0.7) ? 'processing' : 'shipped' });
  const vars = { ...ctx.orderVars(order), need: ctx.longDateIn(2) };
  const ack = openAboutOrder(ctx, order, [
    'Can I upgrade my order to express shipping?', 'Can I get my order faster? I need it by {need}.',
    'Is it possible to switch my order to express?', 'I need my {product} sooner, can you speed up shipping?',
  ], ['Can you upgrade order {order} to express?', 'I need order {order} by {need}, can you make it express?'], { pGiven: 0.3, vars });
  if (order.status === 'shipped') {
    ctx.bot(sentences(ack, ctx.say(["Order {order} already shipped with {carrier}, so I can't upgrade its shipping anymore. It should arrive by {eta}."], vars)));
    return;
  }
  const fast = { ...vars, fast: ctx.longDateIn(2), slow: ctx.longDateIn(5) };
  ctx.bot(sentences(ack, ctx.say([
    "Order {order} hasn't shipped yet, so I can upgrade it to express shipping for $14.99. It would arrive by {fast}. Shall I go ahead?",
    'Yes, order {order} is still at our warehouse. Express shipping costs $14.99 and would get it to you by {fast}. Would you like that?',
  ], fast)));
  if (ctx.rng.chance(0.8)) {
    ctx.user(ctx.rng.pick(['yes please', 'Yes, do it.', 'ok go ahead', 'Sure, please upgrade it.', 'yes']));
    ctx.bot(ctx.say([
      'Done! Order {order} is now on express shipping and should arrive by {fast}. The $14.99 will be charged to your card on file.',
      "All set. I've upgraded order {order} to express shipping, so expect it by {fast}.",
    ], fast));
  } else {
    ctx.user(ctx.rng.pick(["No, that's too much.", 'hmm no thanks, standard is fine', "I'll keep standard."]));
    ctx.bot(ctx.say(['No problem. Order {order} stays on standard shipping and should arrive by {slow}.'], fast));
  }
}

/** The shipping flows. */
export const SHIPPING_FLOWS: readonly Flow[] = [
  { topic: 'shipping', name: 'shipping-info', weight: 4, thanks: ['for the info', 'for explaining'], run: costOrTime },
  { topic: 'shipping', name: 'international', weight: 2, thanks: ['for the info', 'for letting me know'], run: international },
  { topic: 'shipping', name: 'express-upgrade', weight: 1.5, thanks: ['for checking', 'for the help'], run: expressUpgrade },
];
