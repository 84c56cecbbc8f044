import { describe, expect, it } from 'vitest';
import { MAX_WORD_LENGTH, normalizeText, pretokenize } from '../../src/tokenizer/index.ts';
import { ROUND_TRIP_STRINGS } from './fixtures.ts';
import { randomString, seededRandom } from './random-strings.ts';

describe('normalizeText', () => {
  it('collapses whitespace runs, converts line breaks and trims', () => {
    expect(normalizeText('  Hello \r\n\r\n  world\t\t!  ')).toBe('Hello world !');
    expect(normalizeText('a\u00a0\u3000b\u2028c\uFEFFd')).toBe('a b c d');
    expect(normalizeText(' \n\t ')).toBe('');
  });

  it('applies NFC', () => {
    expect(normalizeText('Cafe\u0301')).toBe('Caf\u00e9');
  });

  it('replaces lone surrogates with U+FFFD and keeps valid pairs', () => {
    expect(normalizeText('a\uD83Db\uDE00c')).toBe('a\uFFFDb\uFFFDc');
    expect(normalizeText('\uDC00\uD800')).toBe('\uFFFD\uFFFD');
    expect(normalizeText('ok 😀')).toBe('ok 😀');
  });

  it('is idempotent', () => {
    const rand = seededRandom(7);
    for (let i = 0; i < 300; i++) {
      const once = normalizeText(randomString(rand));
      expect(normalizeText(once)).toBe(once);
    }
  });
});

describe('pretokenize', () => {
  it('keeps the leading space on each word and splits punctuation', () => {
    expect(pretokenize(" Hi, I don't know!")).toEqual([' Hi', ',', ' I', " don't", ' know', '!']);
  });

  it('splits numbers digit by digit, the space before a number a word of its own', () => {
    expect(pretokenize(' call 555-0142 at 7:30')).toEqual([
      ' call', ' ', '5', '5', '5', '-', '0', '1', '4', '2', ' at', ' ', '7', ':', '3', '0',
    ]);
  });

  it('gives a number the same digits after a space as after # or $', () => {
    const digitsOf = (text: string) => pretokenize(text).filter((w) => /\d/.test(w));
    expect(digitsOf(' order 48213')).toEqual(['4', '8', '2', '1', '3']);
    expect(digitsOf(' order #48213')).toEqual(digitsOf(' order 48213'));
    expect(digitsOf(' total: $79.00')).toEqual(['7', '9', '0', '0']);
  });

  it('keeps the space on the first digit in the attached style of version 1 tokenizers', () => {
    expect(pretokenize(' order 48213', 'attached')).toEqual([' order', ' 4', '8', '2', '1', '3']);
    expect(pretokenize(' order #48213', 'attached')).toEqual([' order', ' #', '4', '8', '2', '1', '3']);
  });

  it('keeps accented letters and combining marks inside words', () => {
    expect(pretokenize(' café nai\u0308ve')).toEqual([' café', ' nai\u0308ve']);
  });

  it('concatenates back to its input for any string, normalized or not', () => {
    const rand = seededRandom(11);
    const inputs = [...ROUND_TRIP_STRINGS, ...Array.from({ length: 300 }, () => randomString(rand))];
    for (const text of inputs) {
      for (const digits of ['bare', 'attached'] as const) {
        expect(pretokenize(text, digits).join('')).toBe(text);
        expect(pretokenize(' ' + normalizeText(text), digits).join('')).toBe(' ' + normalizeText(text));
      }
    }
  });

  it('cuts long words into chunks without splitting surrogate pairs', () => {
    const text = ' ' + 'a'.repeat(150) + ' ' + '😀'.repeat(100);
    const words = pretokenize(text);
    expect(words.join('')).toBe(text);
    for (const word of words) {
      expect(word.length).toBeLessThanOrEqual(MAX_WORD_LENGTH);
      expect(word).not.toMatch(/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/);
    }
  });

  it('returns nothing for empty text', () => {
    expect(pretokenize('')).toEqual([]);
  });
});
