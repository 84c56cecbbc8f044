import { describe, expect, it } from 'vitest';
import { countWords, learnMerges, pairKey, type MergePair } from '../../src/tokenizer/bpe-train.ts';
import { Tokenizer } from '../../src/tokenizer/index.ts';
import { isColloquyError } from '../../src/errors.ts';
import { corpusTurns } from './fixtures.ts';
import { seededRandom } from './random-strings.ts';

/** Reference BPE: recounts every pair at every step, same tie-break (count desc, then smaller pair). */
function naiveMerges(counts: Map<string, number>, maxMerges: number, minPairCount: number): MergePair[] {
  const words = [...counts].map(([w, c]) => ({ symbols: Array.from(new TextEncoder().encode(w), (b) => b + 5), count: c }));
  const merges: MergePair[] = [];
  while (merges.length < maxMerges) {
    const pairs = new Map<number, number>();
    for (const { symbols, count } of words) {
      for (let i = 0; i + 1 < symbols.length; i++) {
        const key = pairKey(symbols[i], symbols[i + 1]);
        pairs.set(key, (pairs.get(key) ?? 0) + count);
      }
    }
    let bestKey = -1;
    let bestCount = 0;
    for (const [key, count] of pairs) {
      if (count > bestCount || (count === bestCount && key < bestKey)) [bestKey, bestCount] = [key, count];
    }
    if (bestKey < 0 || bestCount < minPairCount) break;
    const left = Math.floor(bestKey / 2 ** 20);
    const right = bestKey % 2 ** 20;
    const id = 261 + merges.length;
    merges.push([left, right]);
    for (const word of words) {
      const out: number[] = [];
      for (let i = 0; i < word.symbols.length; ) {
        if (word.symbols[i] === left && word.symbols[i + 1] === right) {
          out.push(id);
          i += 2;
        } else out.push(word.symbols[i++]);
      }
      word.symbols = out;
    }
  }
  return merges;
}

describe('countWords', () => {
  it('normalizes texts and counts pre-tokenized words', () => {
    const counts = countWords(['Hello  world', 'hello world!', 'Hello 42']);
    expect(counts.get(' Hello')).toBe(2);
    expect(counts.get(' world')).toBe(2);
    expect(counts.get(' hello')).toBe(1);
    expect(counts.get('!')).toBe(1);
    expect(counts.get(' ')).toBe(1);
    expect(counts.get('4')).toBe(1);
    expect(counts.get('2')).toBe(1);
    expect(countWords(['Hello 42'], 'attached').get(' 4')).toBe(1);
  });
});

describe('learnMerges', () => {
  it('merges the most frequent pair first and handles overlapping repeats', () => {
    const merges = learnMerges(new Map([['aaaa', 3], ['ab', 1]]), { maxMerges: 10, minPairCount: 1, byteOffset: 5 });
    const a = 'a'.charCodeAt(0) + 5;
    const b = 'b'.charCodeAt(0) + 5;
    expect(merges[0]).toEqual([a, a]); // 'aaaa' → [aa][aa]
    expect(merges[1]).toEqual([261, 261]); // then [aaaa] (count 3) before [ab] (count 1)
    expect(merges[2]).toEqual([a, b]);
    expect(merges).toHaveLength(3);
  });

  it('matches a from-scratch recount at every step on random words', () => {
    const rand = seededRandom(3);
    const counts = new Map<string, number>();
    for (let i = 0; i < 400; i++) {
      const len = 1 + Math.floor(rand() * 10);
      let word = rand() < 0.5 ? ' ' : '';
      for (let j = 0; j < len; j++) word += 'abcdeé'[Math.floor(rand() * 6)];
      counts.set(word, (counts.get(word) ?? 0) + 1 + Math.floor(rand() * 5));
    }
    const fast = learnMerges(counts, { maxMerges: 300, minPairCount: 2, byteOffset: 5 });
    expect(fast.length).toBeGreaterThan(50);
    expect(fast).toEqual(naiveMerges(counts, 300, 2));
  });
});

describe('Tokenizer.train', () => {
  it('is deterministic: the same input gives identical JSON', () => {
    const a = Tokenizer.train(corpusTurns(), { vocabSize: 400 });
    const b = Tokenizer.train(
      (function* () {
        yield* corpusTurns();
      })(),
      { vocabSize: 400 },
    );
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });

  it('respects vocabSize', () => {
    for (const vocabSize of [261, 262, 300, 450]) {
      const tok = Tokenizer.train(corpusTurns(), { vocabSize });
      expect(tok.vocabSize).toBe(vocabSize + 1); // <act> comes on top of the merges
      expect(Math.max(...tok.encode(corpusTurns().slice(0, 200).join(' ')))).toBeLessThan(vocabSize);
    }
  });

  it('stops early when no pair reaches minPairCount', () => {
    const tok = Tokenizer.train(['abc abd'], { vocabSize: 1000, minPairCount: 2 });
    expect(tok.vocabSize).toBe(264); // ' a', then ' ab'; nothing else occurs twice; then <act>
    expect(Tokenizer.train([], { vocabSize: 1000 }).vocabSize).toBe(262);
  });

  it('defaults to 4000 tokens', () => {
    const rand = seededRandom(5);
    const texts = Array.from({ length: 3000 }, () => Array.from({ length: 8 }, () => Math.floor(rand() * 1e9).toString(36)).join(' '));
    expect(Tokenizer.train(texts).vocabSize).toBe(4001);
  });

  it('rejects invalid options with a ColloquyError', () => {
    for (const opts of [{ vocabSize: 100 }, { vocabSize: 500.5 }, { vocabSize: 2 ** 21 }, { minPairCount: 0 }]) {
      let caught: unknown;
      try {
        Tokenizer.train(['hello'], opts);
      } catch (err) {
        caught = err;
      }
      expect(isColloquyError(caught, 'tokenizer_options_invalid')).toBe(true);
    }
  });

  it('serializes compactly as colloquy-bpe v2', () => {
    const json = Tokenizer.train(corpusTurns(), { vocabSize: 300 }).toJSON() as Record<string, unknown>;
    expect(json.format).toBe('colloquy-bpe');
    expect(json.version).toBe(2);
    expect(json.vocabSize).toBe(301);
    expect(json.specials).toEqual(['<pad>', '<dlg>', '<user>', '<bot>', '<eot>']);
    expect(json.merges).toHaveLength(39);
    expect(json.extraSpecials).toEqual(['<act>']);
    expect(JSON.stringify(json)).not.toContain('\n');
  });
});
