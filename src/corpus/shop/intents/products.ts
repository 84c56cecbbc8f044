/**
 * Product questions: stock, colors, sizes and fit, price, warranty, product
 * facts from the catalog, and gift recommendations. Answers always name the
 * product the user asked about and only state catalog facts.
 */
import type { DialogueContext } from '../context.ts';
import { productVars } from '../context.ts';
import { ALL_COLORS, PRODUCTS, type Product } from '../catalog.ts';
import { emailRef, type Flow } from '../flow.ts';
import { GIFT_FOR } from '../slots.ts';
import { fill, listJoin, sentences } from '../text.ts';

function stock(ctx: DialogueContext): void {
  const product = ctx.rng.pick(PRODUCTS);
  const vars = { ...productVars(product), back: ctx.dateIn(ctx.rng.int(5, 20)), to: emailRef(ctx) };
  ctx.user(ctx.say([
    '{Is} the {product} in stock?', 'Do you have the {product} available?', 'Can I still buy the {product}?',
    '{Is} the {product} available right now?', 'is the {product} sold out?', 'Do you still sell the {product}?',
    'I want to buy the {product}, {is} {subj} in stock?',
  ], vars));
  if (ctx.rng.chance(0.65)) {
    ctx.bot(ctx.say([
      'Yes, the {product} {is} in stock and ships within 1 business day.',
      'Good news, the {product} {is} in stock in all colors. Order before 2 pm Eastern and your order ships today.',
      'The {product} {is} available right now at {price}.',
    ], vars));
    return;
  }
  ctx.bot(ctx.say([
    "Sorry, the {product} {is} out of stock right now. We expect more by {back}. Would you like me to email you when {its} back?",
    'The {product} {is} sold out at the moment, with a restock planned for {back}. Shall I set up a back-in-stock alert for you?',
  ], vars));
  if (ctx.rng.chance(0.75)) {
    ctx.user(ctx.rng.pick(['yes please', 'Yes, please let me know.', 'sure', 'That would be great.']));
    ctx.bot(ctx.say(["Done! We'll email {to} as soon as the {product} {is} back in stock.", 'You are on the list. We will let you know at {to} when the {product} {is} available again.'], vars));
  } else {
    ctx.user(ctx.rng.pick(['No thanks.', "no, I'll check back later", "That's okay, I'll look again next week."]));
    ctx.bot(ctx.say(['No problem. The restock is planned for {back}.', 'Sure thing. It should be back around {back}.'], vars));
  }
}

function colors(ctx: DialogueContext): void {
  const product = ctx.rng.pick(PRODUCTS.filter((p) => p.colors.length > 1));
  const has = ctx.rng.chance(0.55);
  const color = has ? ctx.rng.pick(product.colors) : ctx.rng.pick(ALL_COLORS.filter((c) => !product.colors.includes(c)));
  const others = product.colors.filter((c) => c !== color);
  const vars = { ...productVars(product), color, others: listJoin(others), all: listJoin(product.colors) };
  ctx.user(ctx.say(['{Does} the {product} come in {color}?', 'Do you have the {product} in {color}?', 'is the {product} available in {color}', 'What colors {does} the {product} come in?'], vars));
  ctx.bot(has
    ? ctx.say(['Yes, the {product} {comes} in {color}. {Its} also available in {others}.', 'The {product} {comes} in {all}, so {color} is an option!'], vars)
    : ctx.say(["The {product} {doesnt} come in {color}, sorry. {Its} available in {all}.", 'Sorry, no {color} for the {product}. You can choose from {all}.'], vars));
}

function sizing(ctx: DialogueContext): void {
  const product = ctx.rng.pick(PRODUCTS.filter((p) => p.category === 'apparel' || p.category === 'footwear'));
  const sizes = product.sizes ?? ['M'];
  const size = ctx.rng.pick(sizes);
  const vars = { ...productVars(product), size, sizes: listJoin(sizes) };
  const mode = ctx.rng.pick(['list', 'fit', 'advice'] as const);
  if (mode === 'list') {
    ctx.user(ctx.say(['What sizes {does} the {product} come in?', 'Which sizes do you have for the {product}?', 'sizes for the {product}?'], vars));
    ctx.bot(ctx.say(['The {product} {comes} in sizes {sizes}.', 'We carry the {product} in {sizes}.'], vars));
  } else if (mode === 'fit') {
    ctx.user(ctx.say(['{Does} the {product} run small?', 'Is the {product} true to size?', 'how {does} the {product} fit?'], vars));
    ctx.bot(ctx.say(['The {product} {is} true to size. If you are between sizes, we recommend sizing up.', 'Most customers find the {product} true to size. And if the fit is off, exchanges are free.'], vars));
  } else {
    ctx.user(ctx.say(["I'm usually a size {size}. Which size should I get in the {product}?", 'I wear size {size} normally, what size {product} should I order?', 'normally a size {size}, which {product} size should i get?'], vars));
    ctx.bot(ctx.say(["The {product} {is} true to size, so I'd go with size {size}. If it doesn't fit, exchanges are free.", 'Stick with your usual size {size}; the {product} fit{s} true to size.'], { ...vars, s: product.plural ? '' : 's' }));
  }
}

function priceOrWarranty(ctx: DialogueContext): void {
  const product = ctx.rng.pick(PRODUCTS);
  const vars = productVars(product);
  if (ctx.rng.chance(0.5)) {
    ctx.user(ctx.say(['How much is the {product}?', "What's the price of the {product}?", 'how much does the {product} cost'], vars));
    const free = product.price >= 50 ? ' Shipping is free, since that is over $50.' : '';
    ctx.bot(ctx.say(['The {product} {is} {price}.', 'The {product} currently cost{s} {price}.'], { ...vars, s: product.plural ? '' : 's' }) + free);
    return;
  }
  ctx.user(ctx.say(['{Does} the {product} have a warranty?', "What's the warranty on the {product}?", 'Is the {product} covered if {subj} break{s}?', 'how long is the {product} guaranteed for'], { ...vars, s: product.plural ? '' : 's' }));
  ctx.bot(ctx.say(['Yes, the {product} {comes} with {warranty} covering defects in materials and workmanship.', 'The {product} {is} covered by {warranty}. If anything goes wrong, just contact us with your order number.'], vars));
}

function productFact(ctx: DialogueContext): void {
  const product = ctx.rng.pick(PRODUCTS);
  const fact = ctx.rng.pick(product.facts);
  const vars = productVars(product);
  ctx.user(ctx.say(fact.asks, vars));
  ctx.bot(sentences(ctx.rng.pick(['', '', 'Good question!', 'Great question.']), fill(fact.answer, vars)));
}

function recommend(ctx: DialogueContext): void {
  const gift = ctx.rng.pick(GIFT_FOR);
  const pool = PRODUCTS.filter((p) => gift.categories.includes(p.category));
  const [first, second] = ctx.rng.shuffle(pool) as [Product, Product | undefined];
  const vars = { who: gift.who };
  ctx.user(ctx.say(['Can you recommend a gift for {who}?', "I'm looking for a present for {who}. Any ideas?", 'What would you suggest for {who}?', 'gift ideas for {who}?'], vars));
  const a = productVars(first);
  const second2 = second ? ` The ${second.name} at ${productVars(second).price} is another favorite.` : '';
  ctx.bot(`${ctx.say(['For {who}, the {product} {is} a popular choice at {price}.', 'I would suggest the {product} ({price}); {its} one of our best sellers for {who}.'], { ...a, who: gift.who.replace(/^my /, 'your ') })}${second2}`);
  if (ctx.rng.chance(0.35)) {
    ctx.user(ctx.rng.pick(['Do you do gift wrapping?', 'Can you gift wrap it?', 'can i add a gift message?']));
    ctx.bot('Yes! Gift wrapping is $4.99 per item, and you can add a free gift message at checkout. Prices are hidden on the packing slip.');
  }
}

/** The product question flows. */
export const PRODUCT_FLOWS: readonly Flow[] = [
  { topic: 'products', name: 'stock', weight: 3, thanks: ['for checking', 'for the info'], run: stock },
  { topic: 'products', name: 'colors', weight: 1.5, thanks: ['for checking', 'for the info'], run: colors },
  { topic: 'products', name: 'sizing', weight: 2, thanks: ['for the advice', 'for the info'], run: sizing },
  { topic: 'products', name: 'price-warranty', weight: 2, thanks: ['for the info', 'for answering my question'], run: priceOrWarranty },
  { topic: 'products', name: 'product-fact', weight: 3, thanks: ['for answering my question', 'for the info'], run: productFact },
  { topic: 'products', name: 'gift-ideas', weight: 1.5, thanks: ['for the recommendation', 'for the ideas'], run: recommend },
];
