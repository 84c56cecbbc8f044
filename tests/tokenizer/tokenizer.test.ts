import { describe, expect, it } from 'vitest';
import { normalizeText, SPECIAL_TOKENS, Tokenizer } from '../../src/tokenizer/index.ts';
import { isColloquyError } from '../../src/errors.ts';
import { ROUND_TRIP_STRINGS, trainedTokenizer } from './fixtures.ts';
import { randomString, seededRandom } from './random-strings.ts';

const untrained = Tokenizer.train([], { vocabSize: 261 });

describe('special tokens', () => {
  it('occupy ids 0..4 in order', () => {
    const tok = trainedTokenizer();
    expect(SPECIAL_TOKENS).toEqual(['<pad>', '<dlg>', '<user>', '<bot>', '<eot>']);
    expect([tok.pad, tok.dlg, tok.user, tok.bot, tok.eot]).toEqual([0, 1, 2, 3, 4]);
    expect([0, 1, 2, 3, 4].map((id) => tok.tokenText(id))).toEqual([...SPECIAL_TOKENS]);
  });

  it('are never produced by encode, even from their literal text', () => {
    const ids = trainedTokenizer().encode('<pad> <dlg> <user> <bot> <eot>');
    expect(ids.every((id) => id >= 5)).toBe(true);
    expect(trainedTokenizer().decode(ids)).toBe('<pad> <dlg> <user> <bot> <eot>');
  });

  it('are skipped by decode', () => {
    const tok = trainedTokenizer();
    const ids = [tok.dlg, tok.user, ...tok.encode('Hi there'), tok.eot, tok.pad, tok.pad];
    expect(tok.decode(ids)).toBe('Hi there');
  });
});

describe('round trip', () => {
  for (const [name, tok] of [
    ['trained', trainedTokenizer()],
    ['bytes only', untrained],
  ] as const) {
    it(`decode(encode(s)) equals normalized s (${name})`, () => {
      for (const text of ROUND_TRIP_STRINGS) {
        expect(tok.decode(tok.encode(text))).toBe(normalizeText(text));
      }
    });

    it(`never throws and round trips on random strings (${name})`, () => {
      const rand = seededRandom(name.length);
      for (let i = 0; i < 500; i++) {
        const text = randomString(rand, 60);
        const ids = tok.encode(text);
        expect(ids.every((id) => Number.isInteger(id) && id >= 5 && id < tok.vocabSize)).toBe(true);
        expect(tok.decode(ids)).toBe(normalizeText(text));
      }
    });
  }

  it('gives the same ids for a cached word as for the first encode', () => {
    const tok = Tokenizer.train(['reservation reservation reservation'], { vocabSize: 300 });
    const first = tok.encode('my reservation');
    expect(tok.encode('my reservation')).toEqual(first);
    first.push(999); // callers may mutate results without touching the cache
    expect(tok.encode('my reservation')).toEqual(first.slice(0, -1));
  });

  it('encodes empty and whitespace-only text to no ids', () => {
    expect(trainedTokenizer().encode('')).toEqual([]);
    expect(trainedTokenizer().encode(' \n\t ')).toEqual([]);
    expect(trainedTokenizer().decode([])).toBe('');
  });
});

describe('learned vocabulary', () => {
  it('shortens common words to fewer ids than bytes', () => {
    const tok = trainedTokenizer();
    for (const word of ['reservation', 'restaurant', 'delivery', 'tomorrow', 'would']) {
      const ids = tok.encode(word);
      expect(ids.length).toBeLessThan(Buffer.byteLength(' ' + word));
      expect(ids.length).toBeLessThanOrEqual(2);
    }
    const sentence = 'Would you like me to book a table at that restaurant?';
    expect(tok.encode(sentence).length).toBeLessThan(sentence.split(' ').length + 3);
  });

  it('falls back to byte tokens for characters never seen in training', () => {
    const tok = trainedTokenizer();
    expect(tok.encode('𓀀')).toHaveLength(5); // ' ' + 4 UTF-8 bytes, no merges learned for them
    expect(untrained.encode('é')).toEqual([5 + 0x20, 5 + 0xc3, 5 + 0xa9]);
  });

  it('encodes a word the same at the start of a turn and mid-sentence', () => {
    const tok = trainedTokenizer();
    const alone = tok.encode('restaurant');
    const inside = tok.encode('a restaurant');
    expect(inside.slice(-alone.length)).toEqual(alone);
  });
});

describe('tokenText', () => {
  it('shows merged pieces, and bytes that are not UTF-8 on their own as hex', () => {
    const tok = trainedTokenizer();
    expect(tok.encode('reservation').map((id) => tok.tokenText(id)).join('')).toBe(' reservation');
    expect(tok.tokenText(5 + 0xe2)).toBe('<0xE2>');
    expect(tok.tokenText(5 + 0x41)).toBe('A');
  });
});

describe('invalid ids', () => {
  it('throw token_id_invalid from decode and tokenText', () => {
    const tok = trainedTokenizer();
    for (const id of [-1, tok.vocabSize, 1.5, Number.NaN]) {
      expect(() => tok.decode([id])).toThrow(/outside the vocabulary/);
      let caught: unknown;
      try {
        tok.tokenText(id);
      } catch (err) {
        caught = err;
      }
      expect(isColloquyError(caught, 'token_id_invalid')).toBe(true);
    }
  });
});
