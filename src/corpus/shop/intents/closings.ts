/**
 * Thanks and goodbyes. A closing either answers the bot's "anything else?",
 * or starts with the customer's thanks (sometimes naming what was fixed), and
 * always ends with the bot saying goodbye.
 */
import type { DialogueContext } from '../context.ts';
import type { Flow, ShopTopic } from '../flow.ts';

const ANYTHING_ELSE = ['Is there anything else I can help you with?', 'Anything else I can do for you?', 'Can I help with anything else?', 'Is there anything else you need?'];

const GENERIC_TAILS = ['for the help', 'for your help', 'for the info'];
const GLAD: Partial<Record<ShopTopic, readonly string[]>> = {
  orders: ['Glad I could help with your order!'],
  returns: ['Glad I could help with your return!'],
  account: ['Glad I could help with your account!'],
  complaints: ['Thank you for your patience, and sorry again for the trouble.'],
};
/** Closing lines are built from parts, so "no, that's all" comes in many natural wordings. */
const THANKS: readonly (readonly string[])[] = [
  ['', 'Great, ', 'Perfect, ', 'Awesome, ', 'Ok ', 'Ah ok, ', 'Cool, ', 'Brilliant, '],
  ['thanks', 'thank you', 'thanks a lot', 'thank you so much', 'many thanks', 'thanks so much'],
  ['', '', ' {tail}', ' {tail}'],
  ['!', '.', '', '! That helps a lot.', ', really appreciate it.', ', you have been very helpful.'],
];
const DONE: readonly (readonly string[])[] = [
  ['No', 'Nope', "That's all", "That's everything", 'Nothing else', "No, I'm good", "I'm all set"],
  ['', ', thanks', ' for now', ', thank you'],
  ['.', '!', '', '. Bye!', ', bye', '. Have a good day!', '. Have a good one!', ' :)'],
];
const NO_MORE: readonly (readonly string[])[] = [
  ['No', 'Nope', 'No thanks', "No, that's all", "That's it", "That's everything", "Nothing else", "No, I'm all set", 'All good'],
  ['', ', thanks', ', thank you', ', thanks for your help', ', you have been great', ', thanks {tail}'],
  ['.', '!', '', '. Bye!', ', bye', '. Have a nice day!', '. Take care!'],
];
const THANKS_BYE: readonly (readonly string[])[] = [
  ['Thanks', 'Thank you', 'Great, thanks', 'Perfect, thank you', 'Cheers', 'Ok thanks', 'Thanks a lot', 'Thank you so much'],
  ['', '', ' {tail}'],
  [', bye!', '. Bye!', ', have a nice day', '. Have a good day!', ', bye', '. Take care!', ', goodbye'],
];
const THANKS_REPLY = ["You're welcome! {anything}", 'Happy to help! {anything}', 'My pleasure. {anything}', "You're very welcome{name}. {anything}", '{glad} {anything}'];
const GOODBYE = [
  'Have a great day{name}!', 'Thanks for shopping with Northwind Goods. Goodbye{name}!', 'Take care{name}!',
  'Bye{name}! Reach out anytime if anything else comes up.', 'Thanks for chatting with us{name}. Have a good one!', 'Goodbye, and have a wonderful day!',
];
const SIMPLE_THANKS_REPLY = ["You're welcome{name}! Have a great day.", 'Anytime! Take care{name}.', 'Happy to help{name}. Have a good day!', '{glad} Have a great day!'];

/** The bot's "anything else?" question, appended to a resolved topic's last reply. */
export function anythingElse(ctx: DialogueContext): string {
  return ctx.rng.pick(ANYTHING_ELSE);
}

/** Appends "anything else?" to the last bot turn. */
export function askAnythingElse(ctx: DialogueContext): void {
  const last = ctx.turns[ctx.turns.length - 1];
  last.text = `${last.text} ${anythingElse(ctx)}`;
}

/**
 * Ends the dialogue after `lastFlow` (the thanks may name what it fixed).
 * `askedAnythingElse` says whether the last bot turn already asked
 * "anything else?", which the customer answers.
 */
export function runClosing(ctx: DialogueContext, lastFlow: Flow | undefined, askedAnythingElse: boolean): void {
  const { rng } = ctx;
  const tail = rng.pick(lastFlow?.thanks ?? GENERIC_TAILS);
  const glad = rng.pick((lastFlow && GLAD[lastFlow.topic]) ?? ['Glad I could help!']);
  const vars = { tail, glad, name: ctx.nameKnown ? `, ${ctx.customer.first}` : '', anything: anythingElse(ctx) };
  if (askedAnythingElse) {
    ctx.user(ctx.compose(NO_MORE, vars));
    ctx.bot(ctx.say(GOODBYE, vars));
    return;
  }
  const mode = rng.weighted([['thanks-then-bye', 0.3], ['thanks-bye', 0.35], ['thanks', 0.35]] as const);
  if (mode === 'thanks-then-bye') {
    ctx.user(ctx.compose(THANKS, vars));
    ctx.bot(ctx.say(THANKS_REPLY, vars));
    ctx.user(ctx.compose(DONE, vars));
    ctx.bot(ctx.say(GOODBYE, vars));
  } else if (mode === 'thanks-bye') {
    ctx.user(ctx.compose(THANKS_BYE, vars));
    ctx.bot(ctx.say(GOODBYE, vars));
  } else {
    ctx.user(ctx.compose(THANKS, vars));
    ctx.bot(ctx.say(SIMPLE_THANKS_REPLY, vars));
  }
}
