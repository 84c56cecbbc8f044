/**
 * Orders and tracking: where is my order, cancelling, changing the delivery
 * address, a missing confirmation email. Replies depend on the order's status
 * and always name the order the user is asking about.
 */
import type { DialogueContext, Order } from '../context.ts';
import { collectEmail, openAboutOrder, type Flow } from '../flow.ts';
import { makeStreet, CITIES } from '../slots.ts';
import { sentences } from '../text.ts';

const TRACK_WITHOUT = [
  'Where is my order?', "I'd like to track my order.", 'Can you tell me where my package is?', "My order hasn't arrived yet.",
  'How do I track my order?', 'When will my order arrive?', "I'm still waiting for my {product}.", 'Any update on my order?',
  "I ordered the {product} on {placed} and haven't heard anything.", 'Can I get a status update on my order?',
  'has my order shipped yet?', 'I want to know when my {product} will get here.', 'Is my order on the way?',
  "I placed an order on {placed} and it still hasn't come.", 'Where is my package?', 'Can you check on my order for me?',
];
const TRACK_WITH = [
  'Where is order {order}?', 'Can you check the status of order {order}?', "I'd like to track order {order}.",
  "What's happening with my order {order}?", 'Has order {order} shipped yet?', 'When will order {order} arrive?',
  'tracking info for {order} please', "My order {order} hasn't arrived.", "Could you check on {order}? It's the {product}.",
  'order {order} where is it', 'Any news on order {order}?', 'Is {order} on its way?',
];
const STATUS_REPLIES: Record<Order['status'], readonly string[]> = {
  processing: [
    "Order {order} is being packed at our warehouse and will ship within 1 business day. You'll get a tracking link by email as soon as it leaves.",
    "Your order {order} hasn't shipped yet. It's still being prepared and should go out by {shipBy}; we'll email you the tracking details.",
    'I see order {order} for the {product} is still in processing. It should ship by {shipBy}, and the tracking number will be emailed to you.',
  ],
  shipped: [
    "Order {order} shipped on {shipped} with {carrier}. It's in transit and should arrive by {eta}.",
    'Good news, your {product} is on the way! Order {order} is with {carrier} and the estimated delivery is {eta}.',
    'Order {order} left our warehouse on {shipped}. {carrier} expects to deliver it by {eta}.',
    'Order {order} is in transit with {carrier} and on schedule for delivery by {eta}. You can follow it with tracking number {tracking}.',
  ],
  'out-for-delivery': [
    'Order {order} is out for delivery with {carrier} today, so it should arrive by the end of the day.',
    'Great news, order {order} is out for delivery today. {carrier} usually delivers by 8 pm.',
    'Your {product} is on the truck! Order {order} is out for delivery and should reach you today.',
  ],
  delivered: [
    'Order {order} shows as delivered by {carrier} on {delivered}. Could you check around your door or with your neighbors?',
    '{carrier} marked order {order} as delivered on {delivered}. Sometimes packages are left at a side door or with a neighbor. Could you take a look?',
  ],
};
const NOT_FOUND = ["I checked, it's not there.", "it's not there, I already looked", "Nobody has it and I didn't get anything.", "I looked everywhere, no package."];
const FOUND = ['Oh, found it! It was with my neighbor.', 'oh wait, it was behind the planter. found it', 'Never mind, my roommate had it.'];
const MISSING_REPLIES = [
  "I'm sorry about that. I've opened a claim with {carrier} and we'll send a free replacement for order {order}. It should arrive by {eta2}.",
  "Sorry for the trouble. I've reported order {order} as missing and a replacement ships today at no cost. You'll get a tracking email shortly.",
];
const FOUND_REPLIES = ['Glad it turned up! Enjoy your {product}.', 'Great, happy to hear it arrived! Enjoy the {product}.'];
const SIGNATURE_Q = ['Will I need to sign for it?', 'do I have to be home to sign for it?', 'Does someone need to be there when it arrives?'];

function trackOrder(ctx: DialogueContext): void {
  const order = ctx.newOrder();
  const ack = openAboutOrder(ctx, order, TRACK_WITHOUT, TRACK_WITH);
  const vars = { ...ctx.orderVars(order), shipBy: ctx.dateIn(1), eta2: ctx.longDateIn(3) };
  ctx.bot(sentences(ack, ctx.say(STATUS_REPLIES[order.status], vars)));
  if (order.status === 'delivered') {
    const found = ctx.rng.chance(0.25);
    ctx.user(ctx.rng.pick(found ? FOUND : NOT_FOUND));
    ctx.bot(ctx.say(found ? FOUND_REPLIES : MISSING_REPLIES, vars));
  } else if (order.status === 'shipped' && ctx.rng.chance(0.3)) {
    ctx.user(ctx.rng.pick(SIGNATURE_Q));
    const reply = order.total >= 150
      ? 'Yes, because order {order} is over $150, {carrier} will need a signature. If you will be out, you can pick a delivery day on the {carrier} tracking page.'
      : 'No signature is needed for order {order}. {carrier} will leave it at your door.';
    ctx.bot(ctx.say([reply], vars));
  }
}

const CANCEL_WITHOUT = [
  'I want to cancel my order.', 'Can I cancel an order I just placed?', 'Please cancel my order.',
  'I need to cancel my order, I ordered the wrong thing.', 'How do I cancel an order?',
  'I changed my mind about the {product}. Can I cancel?', "I'd like to cancel my recent order.", 'cancel my order please',
];
const CANCEL_WITH = [
  'Please cancel order {order}.', 'Can you cancel {order}?', 'I need to cancel order {order}, I ordered it by mistake.',
  'cancel order {order} please', "I'd like to cancel {order}, the {product}.",
];

function cancelOrder(ctx: DialogueContext): void {
  const order = ctx.newOrder({ status: ctx.rng.chance(0.6) ? 'processing' : 'shipped' });
  const ack = openAboutOrder(ctx, order, CANCEL_WITHOUT, CANCEL_WITH);
  const vars = ctx.orderVars(order);
  if (order.status === 'processing') {
    ctx.bot(sentences(ack, ctx.say([
      "I've cancelled order {order}. The refund of {total} will go back to your original payment method within 5-7 business days.",
      'Done, order {order} is cancelled. You will see the {total} back on your card within 5-7 business days.',
      'Order {order} had not shipped yet, so I was able to cancel it. The {total} will be refunded to your original payment method within 5-7 business days.',
    ], vars)));
    return;
  }
  ctx.bot(sentences(ack, ctx.say([
    "Unfortunately order {order} already shipped on {shipped}, so I can't cancel it. Once it arrives you can return it within 30 days for a full refund.",
    "I'm sorry, order {order} has already left our warehouse. You can return it for free within 30 days of delivery and we'll refund {total}.",
  ], vars)));
  if (ctx.rng.chance(0.5)) {
    ctx.user(ctx.rng.pick(['ok, how do I return it then?', 'Fine. How do I send it back?', 'How does the return work?']));
    ctx.bot(ctx.say([
      "When it arrives, go to Orders in your account, choose order {order} and select Return item. We'll email you a prepaid label.",
      "Once the {product} arrives, open order {order} in your account and click Return item. You'll get a free return label by email.",
    ], vars));
  }
}

const ADDRESS_WITHOUT = [
  'I need to change the shipping address on my order.', 'I entered the wrong address, can you fix it?',
  'Can I update the delivery address for my order?', "I'm moving, can my order go to a different address?",
  'wrong address on my order!', 'Can you send my order somewhere else?',
];
const ADDRESS_WITH = ['Can you change the address on order {order}?', 'I put the wrong address on {order}.', 'Please update the shipping address for {order}.'];
const NEW_ADDRESS = ['{street}, {city}', "It's {street}, {city}.", 'please send it to {street}, {city}', 'new address: {street}, {city}', '{street} in {city}'];

function changeAddress(ctx: DialogueContext): void {
  const order = ctx.newOrder({ status: ctx.rng.chance(0.7) ? 'processing' : 'shipped' });
  const ack = openAboutOrder(ctx, order, ADDRESS_WITHOUT, ADDRESS_WITH);
  const vars = { ...ctx.orderVars(order), street: makeStreet(ctx.rng), city: ctx.rng.pick(CITIES) };
  if (order.status === 'shipped') {
    ctx.bot(sentences(ack, ctx.say([
      "Order {order} already shipped with {carrier}, so I can't change the address from here. You can request a redirect on the {carrier} tracking page using {tracking}.",
      'I\'m sorry, order {order} is already with {carrier}. The quickest option is to ask {carrier} for a redirect with tracking number {tracking}.',
    ], vars)));
    return;
  }
  ctx.bot(sentences(ack, ctx.say([
    "Order {order} hasn't shipped yet, so I can change it. What's the new address?",
    'Good timing, order {order} is still at our warehouse. Which address should it go to?',
  ], vars)));
  ctx.user(ctx.say(NEW_ADDRESS, vars));
  ctx.bot(ctx.say([
    "Done! Order {order} will now ship to {street}, {city}. You'll get an updated confirmation by email.",
    "I've updated order {order}. It will go to {street}, {city} instead.",
    'All set. The new delivery address for order {order} is {street}, {city}.',
  ], vars));
}

function missingConfirmation(ctx: DialogueContext): void {
  const order = ctx.newOrder({ status: 'processing' });
  ctx.user(ctx.say([
    "I didn't get an order confirmation email.", 'I placed an order but never got a confirmation.',
    "Did my order go through? I don't have an email.", 'no confirmation email for my order??',
    'I ordered the {product} an hour ago but got no email.',
  ], ctx.orderVars(order)));
  collectEmail(ctx, ctx.rng.pick(['Let me check.', 'I can look that up.', '']));
  ctx.bot(ctx.say([
    "Thanks! Your order {order} for the {product} went through. I've resent the confirmation to {email}; please check your spam folder too.",
    "Good news, order {order} was placed successfully. I've sent the confirmation again to {email}.",
  ], ctx.orderVars(order)));
}

/** The orders and tracking flows. */
const REVISIT = [
  'Going back to order {order}, when will it get here?', 'Sorry, one more about {order}: where is it now?', 'What was the status of {order} again?',
  'wait, and order {order}? is that one on its way?', 'Can you check {order} one more time?', 'Back to {order} for a second, what is happening with it?',
];

/**
 * The customer comes back to an order from earlier in the conversation, after
 * talking about something else: the bot looks it up again and states its status.
 */
export function revisitOrder(ctx: DialogueContext, order: Order): void {
  const vars = { ...ctx.orderVars(order), shipBy: ctx.dateIn(1) };
  ctx.user(ctx.say(REVISIT, vars));
  ctx.bot(ctx.say(STATUS_REPLIES[order.status], vars));
}

export const ORDER_FLOWS: readonly Flow[] = [
  { topic: 'orders', name: 'track-order', weight: 5, thanks: ['for checking my order', 'for the update', 'for looking into it'], run: trackOrder },
  { topic: 'orders', name: 'cancel-order', weight: 2, thanks: ['for the help', 'for sorting that out'], run: cancelOrder },
  { topic: 'orders', name: 'change-address', weight: 1.5, thanks: ['for updating the address', 'for fixing the address'], run: changeAddress },
  { topic: 'orders', name: 'missing-confirmation', weight: 1, thanks: ['for resending it', 'for checking'], run: missingConfirmation },
];
