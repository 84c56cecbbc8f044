/**
 * Payments and billing: accepted methods, double charges, declined cards,
 * invoices, promo codes, updating the card on file, gift cards.
 */
import type { DialogueContext } from '../context.ts';
import { askAnswer, emailRef, openAboutOrder, type Flow, type QaGroup } from '../flow.ts';
import { PROMO_CODES } from '../slots.ts';
import { sentences } from '../text.ts';

const METHODS: QaGroup = {
  user: [
    'What payment methods do you accept?', 'Can I pay with PayPal?', 'Do you take American Express?', 'how can I pay',
    'Do you accept Apple Pay?', 'Can I pay in installments?', 'Which cards do you take?',
  ],
  bot: [
    'We accept Visa, Mastercard, American Express, Discover, PayPal, Apple Pay and Northwind gift cards. PayPal also lets you pay in 4 installments on orders over $100.',
    'You can pay by Visa, Mastercard, Amex, Discover, PayPal, Apple Pay or Northwind gift card, and split orders over $100 into 4 payments with PayPal.',
  ],
};
const UPDATE_CARD: QaGroup = {
  user: ['How do I update my credit card?', 'I need to change the card on my account', 'my card expired, how do I add a new one', 'Can I remove my old card from my account?'],
  bot: [
    "You can do that under Account > Payment methods: click Add card, enter the new details and set it as default. For your security I can't take card numbers in this chat.",
    'Go to Account > Payment methods, where you can add a new card, remove old ones and choose your default. Please never share full card numbers here.',
  ],
};
const GIFT_CARDS: QaGroup = {
  user: ['Do you sell gift cards?', 'How do I use a gift card?', 'Can I check my gift card balance?', 'do gift cards expire?'],
  bot: [
    'We sell digital gift cards from $25 to $500, and they never expire. To use one, enter the code at checkout; the balance shows under Account > Gift cards.',
    'Yes! Northwind gift cards come in amounts from $25 to $500 and never expire. Enter the card code at checkout, and any leftover balance stays on it.',
  ],
};

function chargedTwice(ctx: DialogueContext): void {
  const order = ctx.newOrder();
  const vars = ctx.orderVars(order);
  const ack = openAboutOrder(ctx, order, [
    'I was charged twice for my order.', 'There are two charges on my card for one order.', 'You double charged me!',
    'Why was I charged twice?', 'I see a duplicate charge of {total} on my statement.', 'my card got charged 2 times',
  ], ['I was charged twice for order {order}.', 'Order {order} shows up twice on my credit card.'], { pGiven: 0.3, lead: ctx.rng.pick(["I'm sorry about that.", 'Sorry for the worry, let me look into it.', '']) });
  const real = ctx.rng.chance(0.4);
  ctx.bot(sentences(ack, ctx.say(real ? [
    "You're right, order {order} was charged twice. I've refunded the duplicate charge of {total}; it should be back on your card in 5-7 business days.",
    'I can see the duplicate payment of {total} for order {order}. I have refunded it, and your bank should show it within 5-7 business days.',
  ] : [
    'I see order {order} for {total}. One of the two charges is only a pending authorization, and it will disappear within 3-5 business days.',
    'Order {order} was only charged once. The second {total} is a temporary hold from your bank that drops off within 3-5 business days.',
  ], vars)));
}

function declined(ctx: DialogueContext): void {
  ctx.user(ctx.rng.pick([
    'My card keeps getting declined.', 'Payment failed at checkout', 'Why is my payment not going through?',
    'it says my card was declined but I have money', "My payment won't go through.", 'Checkout keeps rejecting my card',
  ]));
  ctx.bot(ctx.rng.pick([
    "Sorry about that! Declines usually mean the billing address doesn't match the card, or the bank blocked the purchase. Could you check the address and try again?",
    'Sorry for the hassle. Most declines come from a billing address that does not match the card exactly. Could you double-check it and try again?',
  ]));
  if (ctx.rng.chance(0.6)) {
    ctx.user(ctx.rng.pick(['I checked, the address is right.', 'still not working', 'The address is correct, I tried twice.']));
    ctx.bot(ctx.rng.pick([
      'In that case your bank may be blocking it as a precaution. A quick call to them usually fixes it, or you can pay with PayPal or another card.',
      'Then it is most likely a security block from your bank. Give them a call, or check out with PayPal or Apple Pay instead.',
    ]));
  } else {
    ctx.user(ctx.rng.pick(['oh, I had my old address there. It worked now!', 'Ah, the address was wrong. It went through now.']));
    ctx.bot(ctx.rng.pick(['Great, glad it went through! You should get a confirmation email in a few minutes.', 'Perfect! Your order confirmation will arrive by email shortly.']));
  }
}

function invoice(ctx: DialogueContext): void {
  const order = ctx.newOrder();
  const ack = openAboutOrder(ctx, order, [
    'I need an invoice for my order.', 'Can I get a receipt?', 'Can you send me a VAT invoice?', 'I need a receipt for my expenses',
    'where can I download an invoice', 'I need an invoice with my company name on it.',
  ], ['Can I get a receipt for order {order}?', 'Please send me the invoice for {order}.'], { pGiven: 0.35 });
  const vars = { ...ctx.orderVars(order), to: emailRef(ctx) };
  ctx.bot(sentences(ack, ctx.say([
    "I've emailed the invoice for order {order} to {to}. You can also download it anytime from Orders in your account.",
    'Done, the invoice for order {order} ({total}) is on its way to {to}. It is also available as a PDF under Orders.',
  ], vars)));
}

function promoCode(ctx: DialogueContext): void {
  const promo = ctx.rng.pick(PROMO_CODES);
  const vars = { code: promo.code, expired: ctx.dateIn(-ctx.rng.int(3, 40)) };
  ctx.user(ctx.say([
    "My promo code {code} isn't working.", "The discount code {code} doesn't work", "why won't my coupon code {code} apply?",
    'I have a code, {code}, but it says invalid', 'Is the code {code} still valid?', 'The code {code} gives me an error at checkout.',
  ], vars));
  ctx.bot(sentences(ctx.rng.pick(['Thanks for checking with me.', 'Let me explain.', 'I looked into it.', '']), ctx.say([promo.rule], vars)));
}

/** The payments and billing flows. */
export const PAYMENT_FLOWS: readonly Flow[] = [
  { topic: 'payments', name: 'payment-methods', weight: 1.5, thanks: ['for the info'], run: (ctx) => askAnswer(ctx, METHODS) },
  { topic: 'payments', name: 'charged-twice', weight: 2.5, thanks: ['for sorting out the charge', 'for checking'], run: chargedTwice },
  { topic: 'payments', name: 'card-declined', weight: 2, thanks: ['for the help', 'for the tips'], run: declined },
  { topic: 'payments', name: 'invoice', weight: 1.5, thanks: ['for sending it', 'for the invoice'], run: invoice },
  { topic: 'payments', name: 'promo-code', weight: 2, thanks: ['for explaining', 'for clearing that up'], run: promoCode },
  { topic: 'payments', name: 'update-card', weight: 1, thanks: ['for the info', 'for explaining'], run: (ctx) => askAnswer(ctx, UPDATE_CARD) },
  { topic: 'payments', name: 'gift-cards', weight: 1, thanks: ['for the info'], run: (ctx) => askAnswer(ctx, GIFT_CARDS) },
];
