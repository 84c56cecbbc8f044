/**
 * Shared test material: a small customer-service corpus to train on and the
 * strings every round-trip test runs over.
 */
import { Tokenizer } from '../../src/tokenizer/index.ts';

const USER_LINES = [
  'Hi, I would like to book a table for two at 7:30 pm.',
  'Can you help me find a restaurant in San Jose?',
  'I need to cancel my reservation, please.',
  'What time does the store open tomorrow?',
  "I don't have my order number with me.",
  'My phone number is 555-0142.',
  'How much does the delivery cost?',
  'Thank you, that is all I needed.',
];

const BOT_LINES = [
  'Sure, I can help you with that. Which restaurant would you like?',
  'Your reservation is confirmed for 7:30 pm.',
  'The store opens at 9 am tomorrow.',
  'I have cancelled your reservation. Is there anything else I can help you with?',
  'The delivery costs $4.99 for orders under $25.',
  'Could you please give me your order number?',
  "You're welcome! Have a great day.",
  'Would you like me to book a table at that restaurant?',
];

/** About 1,600 turns of repetitive service dialogue, deterministic. */
export function corpusTurns(): string[] {
  const turns: string[] = [];
  for (let i = 0; i < 100; i++) {
    for (let j = 0; j < USER_LINES.length; j++) {
      turns.push(USER_LINES[(i + j) % USER_LINES.length]);
      turns.push(BOT_LINES[(i * 3 + j) % BOT_LINES.length]);
    }
  }
  return turns;
}

let shared: Tokenizer | undefined;

/** A tokenizer trained once on {@link corpusTurns} (vocabSize 500). */
export function trainedTokenizer(): Tokenizer {
  shared ??= Tokenizer.train(corpusTurns(), { vocabSize: 500 });
  return shared;
}

/** Strings covering ASCII, accents, CJK, emoji, unseen scripts, control characters and odd whitespace. */
export const ROUND_TRIP_STRINGS: readonly string[] = [
  '',
  'Hello',
  'I would like to book a table for two at 7:30 pm.',
  "  I don't   have my order\tnumber \r\n with me.  ",
  'Crème brûlée at the café in Zürich, señor — naïve façade.',
  'Cafe\u0301 (decomposed accent) becomes NFC',
  '東京で寿司を予約したいです。北京烤鸭。서울 식당 예약',
  'Thanks 👍🏽 see you 🙂🎉!!',
  'Family: 👨‍👩‍👧‍👦 and 🏳️‍🌈 and flags 🇫🇷🇯🇵🇺🇸',
  'Unseen scripts: ქართული ენა, ᚠᚢᚦᚨᚱᚲ, 𝔘𝔫𝔦𝔠𝔬𝔡𝔢, 𓀀𓀁, नमस्ते दुनिया',
  'Control: \u0000\u0001\u0007\u001b[31mred\u001b[0m \u007f \u0085 end',
  'Price $1,234.56 on 2024-05-17 at 08:45, call +1 (555) 010-9999',
  '\uFEFFbom at start, nbsp\u00a0here, ideographic\u3000space, line\u2028sep',
  'Lone surrogates: \uD83D x \uDE00 y \uDC00\uD800',
  'x'.repeat(200) + ' ' + '!'.repeat(150) + ' ' + '😀'.repeat(70),
  '\u0301 starts with a combining mark',
  '   ',
];
