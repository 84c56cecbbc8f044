/**
 * Accounts and passwords: password resets, locked accounts, changing the
 * account email, deleting the account, marketing emails, guest checkout.
 * The bot asks for the account email when it needs it and uses it right away.
 */
import type { DialogueContext } from '../context.ts';
import { askAnswer, collectEmail, type Flow, type QaGroup } from '../flow.ts';
import { makeEmail, LAST_NAMES } from '../slots.ts';

const GUEST: QaGroup = {
  user: ['Do I need an account to order?', 'can i check out as a guest?', 'Is it possible to order without signing up?'],
  bot: [
    'No account needed, you can check out as a guest. An account just lets you track orders, save addresses and start returns faster.',
    'You can check out as a guest. If you create an account later with the same email, your past orders will show up there.',
  ],
};
const TWO_FACTOR: QaGroup = {
  user: ['How do I turn on two-factor authentication?', 'Can I add 2FA to my account?', 'is there a way to make my account more secure?'],
  bot: ['Go to Account > Security and switch on two-step verification. We will text you a code each time you sign in on a new device.'],
};

/** Runs `opener`, collects the email unless the opener already had it, then replies with `replies`. */
function emailFlow(ctx: DialogueContext, openers: readonly string[], withEmail: readonly string[], lead: readonly string[], replies: readonly string[]): void {
  const vars = ctx.customerVars();
  if (withEmail.length > 0 && ctx.rng.chance(0.3)) {
    ctx.user(ctx.say(withEmail, vars));
    ctx.emailKnown = true;
  } else if (ctx.emailKnown && ctx.rng.chance(0.6)) {
    ctx.user(ctx.say(openers, vars));
    ctx.bot(ctx.say(['Is that for the account under {email}?', 'Should I use {email}, the address you gave earlier?'], vars));
    ctx.user(ctx.rng.pick(['yes', 'Yes, that one.', 'yep, same email', 'Yes please.']));
  } else {
    ctx.user(ctx.say(openers, vars));
    collectEmail(ctx, ctx.rng.pick(lead));
  }
  ctx.bot(ctx.say(replies, vars));
}

function forgotPassword(ctx: DialogueContext): void {
  emailFlow(ctx, [
    'I forgot my password.', "I can't remember my password", 'How do I reset my password?', "I can't log in, I forgot my password",
    'password reset please', 'My password is not working.', 'I keep getting "incorrect password" when I sign in.',
  ], ['I need to reset my password, my email is {email}.', 'Forgot my password. Account is {email}', 'Can you send a reset link to {email}?'],
  ['No problem, I can send you a reset link.', 'Happy to help you get back in.', 'Sure.'], [
    "Thanks! I've sent a password reset link to {email}. It's valid for 24 hours, so check your spam folder if you don't see it.",
    'Done. A reset link is on its way to {email}; follow it to choose a new password.',
    'I just sent a password reset email to {email}. The link expires in 24 hours.',
  ]);
  if (ctx.rng.chance(0.25)) {
    ctx.user(ctx.rng.pick(["I didn't get the email", 'still no email', 'Nothing has arrived yet.']));
    ctx.bot(ctx.say([
      "Sorry about that! I've sent another link to {email}. It can take a few minutes, so please check spam and promotions too.",
      'I resent it to {email} just now. If it is not there in 10 minutes, look in your spam or junk folder.',
    ], ctx.customerVars()));
  }
}

function lockedAccount(ctx: DialogueContext): void {
  emailFlow(ctx, [
    'My account is locked.', 'It says my account is locked after too many attempts', "I can't sign in, it says locked",
    'Why is my account blocked?', 'I got locked out of my account.',
  ], ['My account {email} is locked.'], ['Sorry about that, I can unlock it for you.', "Let's get you back in."], [
    "Thanks. I've unlocked the account for {email}. You can sign in now, or reset your password if you're not sure of it.",
    'The account {email} is unlocked again. It locks after five failed attempts, so a password reset may be the safest next step.',
  ]);
}

function changeEmail(ctx: DialogueContext): void {
  const { first, last } = ctx.customer;
  let next = makeEmail(first, ctx.rng.chance(0.5) ? last : ctx.rng.pick(LAST_NAMES), ctx.rng);
  if (next === ctx.customer.email) next = `${first.toLowerCase()}.${last.toLowerCase()}.new@example.com`;
  const vars = { ...ctx.customerVars(), next };
  const namesNext = ctx.rng.chance(0.3);
  ctx.user(namesNext
    ? ctx.say(['Can you change my email to {next}?', 'I want my account email to be {next} from now on.'], vars)
    : ctx.say(['How do I change my email address?', 'I want to update the email on my account', 'I have a new email address, can I update it?', 'need to change my login email'], vars));
  collectEmail(ctx, ctx.rng.pick(['Sure, I can update it.', 'Of course.', 'Happy to help with that.']));
  if (namesNext) {
    ctx.bot(ctx.say(['Thanks. Just to confirm, you want to change it from {email} to {next}?', 'Got it. So the account {email} should use {next} instead, right?'], vars));
    ctx.user(ctx.rng.pick(['yes', 'Yes, that is right.', 'correct', 'yep']));
  } else {
    ctx.bot(ctx.say(['Thanks. What should the new email address be?', 'Got it. And what is the new address?'], vars));
    ctx.user(ctx.say(['{next}', "it's {next}", 'The new one is {next}.', 'please use {next}'], vars));
  }
  ctx.bot(ctx.say([
    'Done! Your account email is now {next}. We sent a confirmation to {next} and a notice to {email}.',
    "All set. From now on you'll sign in with {next}; the old address {email} will get a notice of the change.",
  ], vars));
}

function deleteAccount(ctx: DialogueContext): void {
  emailFlow(ctx, ['Please delete my account.', 'How do I close my account?', 'I want my account and data deleted', 'remove my account please'],
    ['Please delete my account, {email}.'], ["I'm sorry to see you go.", 'I can help with that.'], [
      "I've submitted a deletion request for {email}. You'll get a confirmation email, and the account will be closed within 48 hours.",
      'Done. The account {email} and its data will be deleted within 48 hours; we will email you once it is complete.',
    ]);
}

function unsubscribe(ctx: DialogueContext): void {
  emailFlow(ctx, ['How do I stop your marketing emails?', 'Please unsubscribe me from the newsletter', 'I get too many emails from you', 'stop sending me promo emails'],
    ['Please unsubscribe {email} from your emails.'], ['Of course.', 'Sorry about the clutter!'], [
      "Done, {email} is unsubscribed from marketing emails. You'll still get order and shipping updates.",
      'I have removed {email} from our newsletter. It can take up to 48 hours for the last scheduled emails to stop.',
    ]);
}

/** The accounts and passwords flows. */
export const ACCOUNT_FLOWS: readonly Flow[] = [
  { topic: 'account', name: 'forgot-password', weight: 4, thanks: ['for the reset link', 'for the help with my account'], run: forgotPassword },
  { topic: 'account', name: 'locked-account', weight: 1.5, thanks: ['for unlocking it', 'for fixing my account'], run: lockedAccount },
  { topic: 'account', name: 'change-email', weight: 1.5, thanks: ['for updating it', 'for changing it'], run: changeEmail },
  { topic: 'account', name: 'delete-account', weight: 1, thanks: ['for your help', 'for taking care of it'], run: deleteAccount },
  { topic: 'account', name: 'unsubscribe', weight: 1.5, thanks: ['for sorting that out', 'for taking care of it'], run: unsubscribe },
  { topic: 'account', name: 'guest-checkout', weight: 1, thanks: ['for the info', 'for explaining'], run: (ctx) => askAnswer(ctx, GUEST) },
  { topic: 'account', name: 'two-factor', weight: 0.5, thanks: ['for the info', 'for explaining'], run: (ctx) => askAnswer(ctx, TWO_FACTOR) },
];
