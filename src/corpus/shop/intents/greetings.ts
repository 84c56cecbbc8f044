/**
 * Greetings: either a turn of their own ("hi" / "Hello! How can I help?") or
 * merged into the customer's first question ("hi, where is my order?"). When
 * the customer gives their name, the bot greets them by it.
 */
import type { DialogueContext } from '../context.ts';
import type { QaGroup } from '../flow.ts';
import { lowerFirst } from '../text.ts';

/** How a dialogue opens. */
export type GreetingMode = 'separate' | 'merged' | 'none';

const PLAIN_USER: readonly (readonly string[])[] = [
  ['hi', 'hello', 'hey', 'hi there', 'hello there', 'hey there', 'hiya', 'Hi', 'Hello', 'Hey', 'Hi there', 'Hello support'],
  ['', '', '!', ' :)', '!!', ', I need some help', ', can you help me?', ', quick question', ', hope you can help me', ', I have a question', '. I need a hand with something', '. Can I ask something?'],
];
const PLAIN_BOT: readonly string[] = [
  'Hello! Thanks for contacting Northwind Goods. How can I help you today?', 'Hi there! What can I do for you?',
  'Hi! Welcome to Northwind Goods support. What can I help you with?', "Hello! I'm Nora, the Northwind Goods assistant. How can I help?",
  'Hey! How can I help you today?', 'Hi, thanks for reaching out. What can I do for you today?',
];
const SPECIAL: readonly QaGroup[] = [
  { user: ['Hi, is this Northwind support?', 'Is this Northwind Goods customer service?', 'hello, is this the help desk?'], bot: ['Yes, this is Northwind Goods support! How can I help you?', "Yes, you're in the right place. What can I do for you?"] },
  { user: ['Hello, anyone there?', 'hello??', 'Is anyone there?'], bot: ["Yes, I'm here! How can I help you today?", 'Hi, I am here. What can I help you with?'] },
];
const TIMES = ['morning', 'afternoon', 'evening'];
const NAMED_USER = ['Hi, this is {first}.', 'Hello, my name is {full}.', 'hey, {first} here', "Hi! I'm {first}.", 'Good {time}, this is {full}.', 'Hi, {full} here.'];
const NAMED_BOT = ['Hi {first}! How can I help you today?', 'Hello {first}, thanks for contacting Northwind Goods. What can I do for you?', 'Nice to meet you, {first}! What can I help you with?', 'Hi {first}, how can I help?'];

const MERGED_USER = ['hi, ', 'Hello, ', 'hey, ', 'Hi there. ', 'Hello! ', 'Hi, ', 'hey there! ', 'Good {time}. ', 'hello, '];
const MERGED_NAMED_USER = ['Hi, this is {first}. ', 'Hello, my name is {full}. ', 'Hi, {first} here. ', "Hello, I'm {first}. ", 'Good {time}, this is {full}. '];
const MERGED_BOT = ['Hi! ', 'Hello! ', 'Hi there! ', '', '', ''];
const MERGED_NAMED_BOT = ['Hi {first}! ', 'Hello {first}, ', 'Thanks for reaching out, {first}. ', 'Hi {first}, '];

/** Picks how the dialogue opens and whether the customer introduces themselves (sets `ctx.nameKnown`). */
export function planGreeting(ctx: DialogueContext): GreetingMode {
  const mode = ctx.rng.weighted<GreetingMode>([['separate', 0.38], ['merged', 0.32], ['none', 0.3]]);
  if (mode !== 'none' && ctx.rng.chance(0.25)) ctx.nameKnown = true;
  return mode;
}

/** A greeting exchange of its own. */
export function runSeparateGreeting(ctx: DialogueContext): void {
  const time = ctx.rng.pick(TIMES);
  const vars = { ...ctx.customerVars(), time };
  if (ctx.nameKnown) {
    ctx.user(ctx.say(NAMED_USER, vars));
    ctx.bot(ctx.say(NAMED_BOT, vars));
    return;
  }
  const roll = ctx.rng.next();
  if (roll < 0.15) {
    ctx.user(ctx.say(['Good {time}', 'Good {time}!', '{time}!', 'good {time}, I need some help'], vars));
    ctx.bot(ctx.say(['Good {time}! How can I help you today?', 'Good {time}, and welcome to Northwind Goods. What can I do for you?'], vars));
    return;
  }
  if (roll < 0.25) {
    const group = ctx.rng.pick(SPECIAL);
    ctx.user(ctx.say(group.user, vars));
    ctx.bot(ctx.say(group.bot, vars));
    return;
  }
  ctx.user(ctx.compose(PLAIN_USER));
  ctx.bot(ctx.rng.pick(PLAIN_BOT));
}

/**
 * Folds a greeting into the exchange starting at `start`: prefixes the user's
 * question ("hi, ...") and the bot's answer ("Hi Priya! ...").
 */
export function mergeGreeting(ctx: DialogueContext, start: number): void {
  const time = ctx.rng.pick(TIMES);
  const vars = { ...ctx.customerVars(), time };
  const userTurn = ctx.turns[start];
  const botTurn = ctx.turns[start + 1];
  const userPrefix = ctx.say(ctx.nameKnown ? MERGED_NAMED_USER : MERGED_USER, vars);
  userTurn.text = userPrefix + (userPrefix.endsWith(', ') ? lowerFirst(userTurn.text) : userTurn.text);
  const goodTime = ctx.nameKnown ? `Good ${time}, ${ctx.customer.first}! ` : `Good ${time}! `;
  const botPrefix = userPrefix.startsWith('Good ') ? goodTime : ctx.say(ctx.nameKnown ? MERGED_NAMED_BOT : MERGED_BOT, vars);
  botTurn.text = botPrefix + (botPrefix.endsWith(', ') ? lowerFirst(botTurn.text) : botTurn.text);
}
