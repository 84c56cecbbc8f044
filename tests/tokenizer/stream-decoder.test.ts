import { describe, expect, it } from 'vitest';
import { Tokenizer, type StreamDecoder } from '../../src/tokenizer/index.ts';
import { ROUND_TRIP_STRINGS, trainedTokenizer } from './fixtures.ts';
import { seededRandom } from './random-strings.ts';

const bytesOnly = Tokenizer.train([], { vocabSize: 261 });

function streamAll(decoder: StreamDecoder, ids: number[]): string[] {
  const pieces = ids.map((id) => decoder.push(id));
  pieces.push(decoder.flush());
  return pieces;
}

describe('StreamDecoder', () => {
  it('concatenates to decode() for every test string', () => {
    for (const tok of [trainedTokenizer(), bytesOnly]) {
      for (const text of ROUND_TRIP_STRINGS) {
        const ids = [tok.bot, ...tok.encode(text), tok.eot];
        expect(streamAll(tok.createStreamDecoder(), ids).join('')).toBe(tok.decode(ids));
      }
    }
  });

  it('holds back a multi-byte character until its last byte arrives', () => {
    const ids = bytesOnly.encode('👍🏽 ok');
    expect(ids).toHaveLength(1 + 4 + 4 + 3);
    const pieces = streamAll(bytesOnly.createStreamDecoder(), ids);
    expect(pieces.slice(0, 5)).toEqual(['', '', '', '', '👍']);
    expect(pieces.slice(5, 9)).toEqual(['', '', '', '🏽']);
    expect(pieces.slice(9).join('')).toBe(' ok');
  });

  it('streams ZWJ sequences and flags split across tokens', () => {
    for (const text of ['👨‍👩‍👧‍👦', '🇫🇷🇯🇵', '🏳️‍🌈 done']) {
      const ids = bytesOnly.encode(text);
      expect(streamAll(bytesOnly.createStreamDecoder(), ids).join('')).toBe(text);
    }
  });

  it('removes only the first leading space and skips specials', () => {
    const tok = trainedTokenizer();
    const decoder = tok.createStreamDecoder();
    expect(decoder.push(tok.bot)).toBe('');
    const pieces = tok.encode('Sure, I can help').map((id) => decoder.push(id));
    expect(pieces[0].startsWith(' ')).toBe(false);
    expect(pieces.join('') + decoder.flush()).toBe('Sure, I can help');
  });

  it('turns a trailing incomplete character into U+FFFD on flush, like decode()', () => {
    const ids = bytesOnly.encode('café').slice(0, -1); // drop the last byte of 'é'
    const decoder = bytesOnly.createStreamDecoder();
    expect(ids.map((id) => decoder.push(id)).join('')).toBe('caf');
    expect(decoder.flush()).toBe('\uFFFD');
    expect(bytesOnly.decode(ids)).toBe('caf\uFFFD');
  });

  it('matches decode() on random id sequences, including broken UTF-8 and specials', () => {
    const tok = trainedTokenizer();
    const rand = seededRandom(99);
    for (let i = 0; i < 300; i++) {
      const ids = Array.from({ length: Math.floor(rand() * 30) }, () => Math.floor(rand() * tok.vocabSize));
      expect(streamAll(tok.createStreamDecoder(), ids).join('')).toBe(tok.decode(ids));
    }
  });

  it('can be reused after flush for the next reply', () => {
    const tok = trainedTokenizer();
    const decoder = tok.createStreamDecoder();
    expect(streamAll(decoder, tok.encode('first reply')).join('')).toBe('first reply');
    expect(streamAll(decoder, tok.encode('second reply')).join('')).toBe('second reply');
  });
});
