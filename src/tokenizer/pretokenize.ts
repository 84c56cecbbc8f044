/**
 * Text normalization and pre-tokenization: the steps that turn a turn's raw
 * text into the "words" BPE works on. Training and encoding share them, so a
 * word seen in training is split the same way when encoding.
 */

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Any run of whitespace (JavaScript's `\s`: ASCII and Unicode spaces, line breaks, BOM). */
const WHITESPACE_RUN = /\s+/g;

/**
 * How a number's first digit meets the space before it:
 * - `'bare'` (tokenizers from version 2 on): a digit never carries a space, the space is a
 *   word of its own (` 48213` → ` `, `4`, `8`, …), so a number the user typed after a space
 *   and the same number after `#` or `$` in a reply are the same tokens, and the copy
 *   mechanism can copy every digit of it;
 * - `'attached'` (version 1 tokenizers, kept for the models trained with them): the first
 *   digit carries the space (` 4`, then `8`, …), a different token from `4` after `#`.
 */
export type DigitStyle = 'bare' | 'attached';

/**
 * GPT-2 style word pattern. Each word keeps its leading space:
 * - letters (with combining marks), optionally one apostrophe part: ` don't`, ` café`;
 * - a single digit: `4`, `5`, `0` (or ` 4` in the attached style) — numbers split digit
 *   by digit so times, prices and phone numbers generalize;
 * - a run of anything else (punctuation, symbols, emoji, control characters);
 * - whitespace runs: a space before a bare digit, or text that was not normalized first.
 * Every character of any string belongs to exactly one match.
 */
const WORD_PATTERNS: Record<DigitStyle, RegExp> = {
  bare: / ?\p{L}[\p{L}\p{M}]*(?:['\u2019]\p{L}[\p{L}\p{M}]*)?|\p{N}| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu,
  attached: / ?\p{L}[\p{L}\p{M}]*(?:['\u2019]\p{L}[\p{L}\p{M}]*)?| ?\p{N}| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu,
};

/** Words longer than this (UTF-16 code units) are cut into chunks, keeping BPE cost bounded. */
export const MAX_WORD_LENGTH = 64;

/**
 * Normalizes one turn's text the way the tokenizer sees it: lone surrogates
 * become U+FFFD, Unicode NFC, every whitespace run (including `\r\n`, tabs and
 * Unicode spaces) becomes one space, and the ends are trimmed.
 * Round trips (`decode(encode(s))`) are exact on this normalized form.
 */
export function normalizeText(text: string): string {
  return text.replace(LONE_SURROGATE, '\uFFFD').normalize('NFC').replace(WHITESPACE_RUN, ' ').trim();
}

/**
 * Splits text into words, each with its leading space (see the pattern above).
 * Concatenating the result gives back `text` exactly. Words longer than
 * {@link MAX_WORD_LENGTH} are cut into chunks, never inside a surrogate pair.
 */
export function pretokenize(text: string, digits: DigitStyle = 'bare'): string[] {
  const words = text.match(WORD_PATTERNS[digits]);
  if (words === null) return [];
  let needsChunking = false;
  for (const word of words) {
    if (word.length > MAX_WORD_LENGTH) {
      needsChunking = true;
      break;
    }
  }
  if (!needsChunking) return words;
  const out: string[] = [];
  for (const word of words) {
    if (word.length <= MAX_WORD_LENGTH) out.push(word);
    else chunkWord(word, out);
  }
  return out;
}

/** Pushes `word` cut into pieces of at most MAX_WORD_LENGTH code units onto `out`. */
function chunkWord(word: string, out: string[]): void {
  let start = 0;
  while (start < word.length) {
    let end = Math.min(start + MAX_WORD_LENGTH, word.length);
    if (end < word.length && isHighSurrogate(word.charCodeAt(end - 1))) end -= 1;
    out.push(word.slice(start, end));
    start = end;
  }
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/**
 * Normalizes a turn and prefixes the one space that lets its first word match
 * the mid-sentence form (` Hello` rather than `Hello`). Empty text stays empty.
 */
export function prepareTurn(text: string): string {
  const normalized = normalizeText(text);
  return normalized.length === 0 ? '' : ' ' + normalized;
}
