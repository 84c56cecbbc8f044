import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Tokenizer } from '../../src/tokenizer/index.ts';
import { isColloquyError } from '../../src/errors.ts';
import { ROUND_TRIP_STRINGS, trainedTokenizer } from './fixtures.ts';

let dir: string;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'colloquy-tokenizer-'));
});

afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

/** Runs `fn` and returns what it threw. */
async function caught(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected an error');
}

describe('save and load', () => {
  it('save → load gives identical encodes and JSON', async () => {
    const tok = trainedTokenizer();
    const file = path.join(dir, 'model', 'tokenizer.json');
    await tok.save(file);
    const loaded = await Tokenizer.load(file);
    expect(loaded.vocabSize).toBe(tok.vocabSize);
    expect(JSON.stringify(loaded)).toBe(JSON.stringify(tok));
    for (const text of ROUND_TRIP_STRINGS) expect(loaded.encode(text)).toEqual(tok.encode(text));
  });

  it('writes one compact line and leaves no temp files behind', async () => {
    const file = path.join(dir, 'compact', 'tokenizer.json');
    await trainedTokenizer().save(file);
    await trainedTokenizer().save(file); // overwrite
    const text = await fs.readFile(file, 'utf8');
    expect(text.trimEnd().split('\n')).toHaveLength(1);
    expect(await fs.readdir(path.dirname(file))).toEqual(['tokenizer.json']);
  });

  it('reports a missing file with model_file_missing and its name', async () => {
    const file = path.join(dir, 'nowhere', 'tokenizer.json');
    const err = await caught(() => Tokenizer.load(file));
    expect(isColloquyError(err, 'model_file_missing')).toBe(true);
    expect((err as Error).message).toContain(file);
  });

  it('reports a file that is not JSON with model_file_corrupt and its name', async () => {
    const file = path.join(dir, 'garbage.json');
    await fs.writeFile(file, '{"format":"colloquy-bpe", "merg');
    const err = await caught(() => Tokenizer.load(file));
    expect(isColloquyError(err, 'model_file_corrupt')).toBe(true);
    expect((err as Error).message).toContain(file);
  });

  it('reports valid JSON of the wrong shape with model_file_corrupt, its name and the problem', async () => {
    const file = path.join(dir, 'wrong.json');
    const json = { ...(trainedTokenizer().toJSON() as object), merges: [[5, 9999]] };
    await fs.writeFile(file, JSON.stringify(json));
    const err = await caught(() => Tokenizer.load(file));
    expect(isColloquyError(err, 'model_file_corrupt')).toBe(true);
    expect((err as Error).message).toContain(file);
    expect((err as Error).message).toContain('merges[0]');
  });
});

describe('fromJSON validation', () => {
  const good = trainedTokenizer().toJSON() as Record<string, unknown>;
  const cases: Array<[string, unknown, RegExp]> = [
    ['null', null, /expected an object/],
    ['an array', [], /expected an object/],
    ['a wrong format', { ...good, format: 'gpt2' }, /format/],
    ['a future version', { ...good, version: 2 }, /version/],
    ['different specials', { ...good, specials: ['<pad>'] }, /specials/],
    ['merges not an array', { ...good, merges: 'abc' }, /merges must be an array/],
    ['a merge of a special', { ...good, merges: [[0, 5]] }, /merges\[0\]/],
    ['a forward reference', { ...good, merges: [[5, 261]] }, /merges\[0\]/],
    ['a non-integer id', { ...good, merges: [[5.5, 6]] }, /merges\[0\]/],
    ['a triple', { ...good, merges: [[5, 6, 7]] }, /merges\[0\]/],
    ['a repeated pair', { ...good, merges: [[5, 6], [5, 6]] }, /repeats/],
    ['a vocabSize mismatch', { ...good, vocabSize: 12 }, /vocabSize/],
  ];
  for (const [name, json, message] of cases) {
    it(`rejects ${name} with tokenizer_invalid`, () => {
      let err: unknown;
      try {
        Tokenizer.fromJSON(json);
      } catch (e) {
        err = e;
      }
      expect(isColloquyError(err, 'tokenizer_invalid')).toBe(true);
      expect((err as Error).message).toMatch(message);
    });
  }

  it('accepts its own output', () => {
    expect(Tokenizer.fromJSON(JSON.parse(JSON.stringify(good))).vocabSize).toBe(trainedTokenizer().vocabSize);
  });
});
