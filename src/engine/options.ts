import { ColloquyError } from '../errors.ts';
import { DEFAULT_GENERATE_OPTIONS } from '../generation/options.ts';

/** The words users type for the engine's commands (first word of a message, case-insensitive). */
export interface CommandNames {
  /** Starts a new session: the model forgets the conversation so far (the log keeps it). */
  reset: string;
  /** Explains what the bot can do. */
  help: string;
  /** Asks for a human. */
  agent: string;
  /** Hands the conversation back to the bot. */
  bot: string;
}

/** Everything the engine says on its own (not written by the model). `{max}` and `{command}` are filled in. */
export interface EngineMessages {
  empty: string;
  tooLong: string;
  /** A store write failed: nothing of this message was logged. */
  retry: string;
  /** The generator failed. */
  error: string;
  reset: string;
  unknownCommand: string;
  botAlready: string;
  backToBot: string;
  handoffRequested: string;
  handoffAfterFallbacks: string;
  handoffAlready: string;
  handoffAccepted: string;
  handoffTimeout: string;
  handoffClosed: string;
  /** A person was asked for where nobody answers hand-offs (no agents desk): `{contact}` is `contactText`. */
  noAgents: string;
  /** Like `handoffAfterFallbacks`, where nobody answers hand-offs. */
  noAgentsAfterFallbacks: string;
  /** The model's scorer judged the message out of scope. `{topics}` is filled in. */
  outOfScope: string;
  /** Out of scope and hardly a word the bot knows: likely another language. `{language}` is filled in. */
  otherLanguage: string;
  /** The message sounds frustrated: an apology and the offer of a person. */
  frustrated: string;
}

/** How the conversation engine behaves. Every key has a default; unknown keys are an error. */
export interface EngineOptions {
  /** Tokens of history the model reads, passed to the generator as `contextTokens`. */
  contextTokens: number;
  /** Turns of the current session handed to the generator (before it cuts to `contextTokens`). */
  maxHistoryTurns: number;
  /** Idle time after which the next message starts a new session (empty model context). */
  sessionIdleMinutes: number;
  /** Longest message accepted, in characters (code points). */
  maxMessageChars: number;
  /** A reply whose mean token log-probability is below this is replaced by `fallbackText`. */
  confidenceThreshold: number;
  fallbackText: string;
  /** How else to reach the business, told when a person is asked for and none can answer in this channel (`{contact}` in messages). */
  contactText: string;
  /**
   * Out-of-scope score (0–1, from the model's scorer) at and above which a
   * message gets the `outOfScope` reply instead of a generated one; undefined
   * uses the threshold the scorer chose at training time. Above 1 never falls
   * back. Models without a scorer ignore it.
   */
  outOfScopeThreshold: number | undefined;
  /** What the bot can help with, as the out-of-scope reply says it (`{topics}`). */
  topics: string;
  /** The language the bot understands, named in the reply to a message in another (`{language}`). */
  language: string;
  /** Hand off when the scorer reads a request for a person ("can I speak to someone?"), as `/agent` does. */
  handoffOnRequest: boolean;
  /** Answer a frustrated message with an apology and the offer of a person instead of a generated reply. */
  offerPersonWhenFrustrated: boolean;
  /** Fallbacks in a row that hand the conversation to a human; 0 never does. */
  maxConsecutiveFallbacks: number;
  /** A hand-off request nobody accepts within this time goes back to the bot. */
  handoffTimeoutMinutes: number;
  commands: CommandNames;
  /** The `/help` reply; by default it is written from `commands`. */
  helpText: string;
  messages: EngineMessages;
}

/** What callers pass: any subset, with `commands` and `messages` merged key by key. */
export type EngineOptionsInput = Partial<Omit<EngineOptions, 'commands' | 'messages'>> & {
  commands?: Partial<CommandNames>;
  messages?: Partial<EngineMessages>;
};

export const DEFAULT_COMMANDS: CommandNames = { reset: '/reset', help: '/help', agent: '/agent', bot: '/bot' };

export const DEFAULT_MESSAGES: EngineMessages = {
  empty: 'Your message looks empty. What can I help you with?',
  tooLong: 'That message is too long for me (the limit is {max} characters). Could you shorten it?',
  retry: "Sorry, something went wrong on my side and your message wasn't saved. Please send it again.",
  error: "Sorry, I couldn't come up with an answer just now. Please try again.",
  reset: 'Starting over.',
  unknownCommand: "I don't know the command {command}. Type {help} to see what I can do.",
  botAlready: "You're already talking to me. How can I help?",
  backToBot: "OK, you're back with me. How can I help?",
  handoffRequested: "I've asked a person to join. They'll reply here shortly.",
  handoffAfterFallbacks: "Sorry, I'm having trouble understanding. I've asked a person to join; they'll reply here shortly.",
  handoffAlready: 'A person has already been asked to join this conversation.',
  handoffAccepted: 'A person has joined the conversation.',
  handoffTimeout: "Sorry, nobody is available right now. I'll keep helping you in the meantime; type {agent} to ask again later.",
  handoffClosed: "The person has left the conversation. I'm back. How can I help?",
  noAgents: "Sorry, there is no person to take over in this chat. {contact} I'll keep helping you here in the meantime.",
  noAgentsAfterFallbacks: "Sorry, I'm having trouble understanding, and there is no person to take over in this chat. {contact} Could you rephrase?",
  outOfScope: "Sorry, I can't help with that. I can help with {topics}. Type {agent} to ask for a person.",
  otherLanguage: "Sorry, I only understand {language}. I can help with {topics}; type {agent} to ask for a person.",
  frustrated: "I'm sorry this has been frustrating. Would you like a person to take over? Type {agent} and a colleague will join.",
};

export const DEFAULT_ENGINE_OPTIONS: Omit<EngineOptions, 'helpText'> = {
  // the generator's own default: what the bundled model is decoded with everywhere else
  contextTokens: DEFAULT_GENERATE_OPTIONS.contextTokens,
  // support turns run ~10–20 tokens, so 20 turns fill a 256-token budget; the generator cuts the rest
  maxHistoryTurns: 20,
  // the usual web-analytics idle cut: a user back after half an hour has usually moved on
  sessionIdleMinutes: 30,
  // a long complaint fits; a pasted log file or an attack does not
  maxMessageChars: 4000,
  // mean log-prob −2.5 ≈ a geometric-mean token probability of 8%. Measured with greedy decoding on the
  // shop model (epoch-3 checkpoint): in-domain replies −0.13 … −0.75, but off-topic input −0.19 … −1.03
  // too, since once the model commits to a reply its tokens are near-certain; a lost or under-trained
  // model scores ≈ −3 and below. So this catches replies the model itself does not believe, not
  // off-topic questions; raise it (toward −1) only after measuring on your own model.
  confidenceThreshold: -2.5,
  fallbackText: "Sorry, I didn't catch that — could you rephrase?",
  // a deployment sets its own (COLLOQUY_CONTACT_TEXT): an email address, a phone number, opening hours
  contactText: 'You can also reach us by email or phone; the details are on our website.',
  // the scorer's own threshold, chosen on held-out turns for a stated fallback rate (see `colloquy scorer`)
  outOfScopeThreshold: undefined,
  topics: 'your orders, shipping, returns, payments and your account',
  language: 'English',
  handoffOnRequest: true,
  offerPersonWhenFrustrated: true,
  // one rephrase is fair; a second miss means the bot is not going to get it
  maxConsecutiveFallbacks: 2,
  // long enough for an on-duty agent to pick up; longer and the user waits in silence
  handoffTimeoutMinutes: 5,
  commands: DEFAULT_COMMANDS,
  messages: DEFAULT_MESSAGES,
};

/** The `/help` text written from the command names. */
export function defaultHelpText(c: CommandNames): string {
  return (
    "I'm a support assistant: ask me about your orders, shipping, returns, payments or your account. " +
    `${c.reset} starts over, ${c.agent} asks for a person, ${c.bot} brings you back to me, ${c.help} shows this.`
  );
}

/** Fills `{name}` placeholders. */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in values ? String(values[key]) : whole));
}

/** Merges `input` onto the defaults; unknown keys and nonsensical values are errors naming the key. */
export function resolveEngineOptions(input: EngineOptionsInput = {}): EngineOptions {
  const bad = (what: string): never => {
    throw new ColloquyError('engine_options_invalid', what, 'See EngineOptions in src/engine/options.ts for the keys and their meaning.');
  };
  if (typeof input !== 'object' || input === null) bad('engine options must be an object');
  const known = [...Object.keys(DEFAULT_ENGINE_OPTIONS), 'helpText'];
  for (const key of Object.keys(input)) if (!known.includes(key)) bad(`unknown engine option "${key}"`);
  const commands = mergeMap('commands', DEFAULT_COMMANDS, input.commands, bad);
  const messages = mergeMap('messages', DEFAULT_MESSAGES, input.messages, bad);
  const defined = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
  const o: EngineOptions = { ...DEFAULT_ENGINE_OPTIONS, helpText: defaultHelpText(commands), ...defined, commands, messages };

  const int = (key: keyof EngineOptions, min: number) => {
    const v = o[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) bad(`${key} must be an integer ≥ ${min}, got ${JSON.stringify(v)}`);
  };
  const positive = (key: keyof EngineOptions) => {
    const v = o[key];
    if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v)) bad(`${key} must be a number above 0, got ${JSON.stringify(v)}`);
  };
  int('contextTokens', 8);
  int('maxHistoryTurns', 1);
  int('maxMessageChars', 1);
  int('maxConsecutiveFallbacks', 0);
  positive('sessionIdleMinutes');
  positive('handoffTimeoutMinutes');
  if (typeof o.confidenceThreshold !== 'number' || Number.isNaN(o.confidenceThreshold) || o.confidenceThreshold > 0) {
    bad(`confidenceThreshold is a mean log-probability, a number ≤ 0 (or -Infinity to never fall back), got ${JSON.stringify(o.confidenceThreshold)}`);
  }
  const t = o.outOfScopeThreshold;
  if (t !== undefined && (typeof t !== 'number' || !(t >= 0))) bad(`outOfScopeThreshold is a score ≥ 0 (above 1 never falls back) or undefined for the model's own, got ${JSON.stringify(t)}`);
  for (const key of ['handoffOnRequest', 'offerPersonWhenFrustrated'] as const) if (typeof o[key] !== 'boolean') bad(`${key} must be true or false, got ${JSON.stringify(o[key])}`);
  for (const key of ['fallbackText', 'helpText', 'contactText', 'topics', 'language'] as const) if (typeof o[key] !== 'string' || !o[key].trim()) bad(`${key} must be a non-empty string`);
  const names = Object.values(commands).map((n) => n.toLowerCase());
  for (const [key, name] of Object.entries(commands)) {
    if (!/^\S+$/.test(name)) bad(`commands.${key} must be one word with no spaces, got ${JSON.stringify(name)}`);
  }
  if (new Set(names).size !== names.length) bad(`command names must differ, got ${names.join(', ')}`);
  return o;
}

function mergeMap<T extends object>(name: string, defaults: T, given: Partial<T> | undefined, bad: (what: string) => never): T {
  if (given === undefined) return { ...defaults };
  if (typeof given !== 'object' || given === null) bad(`${name} must be an object`);
  for (const [key, value] of Object.entries(given)) {
    if (!(key in defaults)) bad(`unknown key "${key}" in ${name}; known: ${Object.keys(defaults).join(', ')}`);
    if (value !== undefined && (typeof value !== 'string' || !value.trim())) bad(`${name}.${key} must be a non-empty string`);
  }
  return { ...defaults, ...Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) };
}

/** One of the engine's messages with its placeholders filled: command names (`{reset}`, `{agent}`, ...), `{max}`, `{contact}`, and `extra`. */
export function say(o: EngineOptions, key: keyof EngineMessages, extra: Record<string, string | number> = {}): string {
  return fill(o.messages[key], { ...o.commands, max: o.maxMessageChars, contact: o.contactText, topics: o.topics, language: o.language, ...extra });
}
