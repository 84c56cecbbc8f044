/**
 * What an intent module exports (flows tagged with a topic), plus the shared
 * sub-dialogues several topics use: asking for a missing order number or email
 * and acknowledging it in the next reply.
 */
import type { UserTurnKind } from '../../data/dialogue.ts';
import type { DialogueContext, Order } from './context.ts';
import { fill, sentences, type Vars } from './text.ts';

/** The topics the corpus covers; every dialogue is tagged with the ones it contains. */
export type ShopTopic =
  | 'greeting'
  | 'orders'
  | 'shipping'
  | 'returns'
  | 'payments'
  | 'account'
  | 'products'
  | 'complaints'
  | 'smalltalk'
  | 'goodbye';

/** Every topic, in a stable order. */
export const SHOP_TOPICS: readonly ShopTopic[] = [
  'greeting', 'orders', 'shipping', 'returns', 'payments', 'account', 'products', 'complaints', 'smalltalk', 'goodbye',
];

/**
 * One conversational flow of a topic. `run` appends turns starting with a user
 * turn and ending with a bot turn that is a statement (not a question), so the
 * generator can chain flows and closings after it.
 */
export interface Flow {
  topic: ShopTopic;
  name: string;
  weight: number;
  /** Endings for the customer's thanks that fit this flow ("for the reset link"); generic ones when absent. */
  thanks?: readonly string[];
  run(ctx: DialogueContext): void;
}

/** A question and the answers that fit it: any user paraphrase may get any bot paraphrase. */
export interface QaGroup {
  user: readonly string[];
  bot: readonly string[];
  /** What the user's turns are, when not ordinary (the scorer learns them as such). */
  kind?: UserTurnKind;
}

/** Slots the bot may only repeat when the user's question mentioned them (a city the user never named is a non sequitur). */
const ECHO_SLOTS = ['city', 'country', 'color', 'size', 'who', 'code'];

/** Plays one user question and a bot answer that uses no slot the user did not mention. */
export function askAnswer(ctx: DialogueContext, group: QaGroup, vars: Vars = {}): void {
  const question = ctx.rng.pick(group.user);
  const unsaid = ECHO_SLOTS.filter((slot) => !question.includes(`{${slot}}`));
  const fitting = group.bot.filter((answer) => unsaid.every((slot) => !answer.includes(`{${slot}}`)));
  ctx.user(fill(question, vars), group.kind);
  ctx.bot(ctx.say(fitting.length > 0 ? fitting : group.bot, vars));
}

const ORDER_LEADS = ['Sure, I can help with that.', 'Happy to help.', 'I can look into that.', 'Of course.', 'Let me check that for you.', ''];
const ORDER_QUESTIONS = [
  'Could you share your order number?',
  "What's the order number?",
  'May I have your order number, please?',
  'Which order is this about? The order number starts with # and is in your confirmation email.',
  'Can you give me the order number?',
  'Could you tell me the order number so I can look it up?',
  "What's your order number? You'll find it in the confirmation email we sent you.",
];
const GIVE_ORDER = [
  "it's {order}", '{order}', '{num}', 'Order number is {order}.', "Sure, it's {order}.", 'Here you go: {order}',
  "It's {num}.", '{order} I think', 'the order number is {num}', 'Sure: {order}.', 'I have it here, {order}.',
  'It should be {order}.', '{order}, placed on {placed}', 'Order {order}, the {product}.', 'yes, {order}',
  'ok it is {order}', 'Let me check... {order}', 'Found it: {order}',
];
const ACKS = ['Thanks!', 'Thank you!', 'Got it, thanks.', 'Thanks for that.', 'Perfect, thank you.', 'Great, thanks.', ''];
const NAMED_ACKS = [...ACKS, 'Thanks, {first}.', 'Thank you, {first}!'];
const NO_NUMBER = [
  "I don't have the order number.", "I can't find the order number", "I deleted the email, sorry.", 'not sure where the number is',
  "I don't know it. Can you look it up another way?",
];
const ASK_EMAIL_FOR_ORDER = [
  'No problem. What email address did you use for the order?',
  'That is okay, I can look it up by email. Which address did you order with?',
  "No worries! What's the email on the order?",
];
const ASK_EMAIL = [
  "What's the email address on your account?",
  'Could you tell me the email you signed up with?',
  'Which email address is the account under?',
  'May I have the email address linked to your account?',
];
const GIVE_EMAIL = ['{email}', "it's {email}", 'Sure, {email}', 'My email is {email}.', 'I use {email}', '{email} is the one I used', 'It should be {email}.'];

/**
 * The bot asks for an order number (after `lead`, e.g. an apology) and the user
 * answers: usually with the number, sometimes with a mistyped number first, or
 * with their email instead. Returns the acknowledgement the bot's next reply
 * starts with; that reply must mention the order number.
 */
export function collectOrderNumber(ctx: DialogueContext, order: Order, lead?: string): string {
  const { rng } = ctx;
  const vars = ctx.orderVars(order);
  ctx.bot(sentences(lead ?? rng.pick(ORDER_LEADS), rng.pick(ORDER_QUESTIONS)));
  const path = rng.weighted([['number', 0.8], ['typo', 0.07], ['email', 0.13]] as const);
  if (path === 'email') {
    ctx.user(rng.pick(NO_NUMBER));
    ctx.bot(rng.pick(ASK_EMAIL_FOR_ORDER));
    ctx.user(ctx.say(GIVE_EMAIL, vars));
    ctx.emailKnown = true;
    return ctx.say(['Thanks! I found your order under {email}.', 'Thank you. I see one recent order under {email}.', 'Got it, I found it using {email}.'], vars);
  }
  if (path === 'typo') {
    // a dropped digit (not an order number at all) or two swapped ones (a number the order system does not know)
    const cut = rng.int(0, 3);
    const swapped = order.number.slice(0, cut) + order.number[cut + 1] + order.number[cut] + order.number.slice(cut + 2);
    const wrong = swapped !== order.number && rng.chance(0.5) ? swapped : order.number.slice(0, cut) + order.number.slice(cut + 1);
    ctx.user(rng.pick([`#${wrong}`, `it's ${wrong}`, `order ${wrong}`]));
    ctx.bot(wrong.length === 5
      ? rng.pick([`I can't find an order #${wrong}. Could you double-check the number?`, `Sorry, there is no order #${wrong} in our system. Could you check the number in your confirmation email?`])
      : `I couldn't find an order #${wrong}. Order numbers have five digits. Could you double-check it?`);
    ctx.user(ctx.say(['sorry, typo. {order}', "Oops, it's {order}.", 'my bad, {num}', 'Sorry! {order}'], vars));
    return rng.pick(['Thanks, found it.', 'Got it, that one worked.', 'No problem, found it.']);
  }
  ctx.user(ctx.say(GIVE_ORDER, vars));
  return ctx.say(ctx.nameKnown ? NAMED_ACKS : ACKS, vars);
}

/** The bot asks for the account email (after `lead`) and the user gives it; the next reply should use {email}. */
export function collectEmail(ctx: DialogueContext, lead = ''): void {
  ctx.bot(sentences(lead, ctx.rng.pick(ASK_EMAIL)));
  ctx.user(ctx.say(GIVE_EMAIL, ctx.customerVars()));
  ctx.emailKnown = true;
}

/** "the email on your account", or the address itself when the customer already gave it. */
export function emailRef(ctx: DialogueContext): string {
  return ctx.emailKnown ? ctx.customer.email : ctx.rng.pick(['the email on your account', 'your account email']);
}

const DIRECT_ACKS = ['', 'Let me check.', 'Thanks for the order number.', 'Let me pull that up.', 'Let me take a look.', 'Thanks, one moment.'];

/**
 * Opens a flow about one order: the user either names the order right away
 * (`withNumber` templates, probability `pGiven`) or not (`without`), in which
 * case the bot asks for it. Returns the acknowledgement for the bot's next
 * reply, which must mention {order}. `opts.vars` adds slots beyond the order's.
 */
export function openAboutOrder(
  ctx: DialogueContext,
  order: Order,
  without: readonly string[],
  withNumber: readonly string[],
  opts: { pGiven?: number; lead?: string; vars?: Vars; frustrated?: readonly string[] } = {},
): string {
  const vars = { ...ctx.orderVars(order), ...opts.vars };
  const say = (templates: readonly string[]) => {
    const template = ctx.rng.pick(templates);
    ctx.user(fill(template, vars), opts.frustrated?.includes(template) ? 'frustrated' : undefined);
  };
  if (ctx.rng.chance(opts.pGiven ?? 0.35)) {
    say(withNumber);
    return sentences(opts.lead, ctx.rng.pick(DIRECT_ACKS));
  }
  say(without);
  return collectOrderNumber(ctx, order, opts.lead);
}
