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

describe('version 1 files (the first digit carries the space before it)', () => {
  // one merge: the space (byte 32, id 37) with the digit 4 (byte 52, id 57) — id 261 is ' 4'
  const file = { format: 'colloquy-bpe', version: 1, specials: ['<pad>', '<dlg>', '<user>', '<bot>', '<eot>'], merges: [[37, 57]] };
  const v1 = Tokenizer.fromJSON(file);
  const v2 = Tokenizer.fromJSON({ ...file, version: 2 });

  it('encode numbers as they were trained, and save as version 1 again', () => {
    expect([v1.digits, v2.digits]).toEqual(['attached', 'bare']);
    expect(v1.encode('order 48213')).toContain(261);
    expect(v1.decode(v1.encode('order 48213 at 7:30'))).toBe('order 48213 at 7:30');
    expect((v1.toJSON() as { version: number }).version).toBe(1);
    expect((v1.withActionToken().toJSON() as { version: number }).version).toBe(1);
  });

  it('version 2 gives a number the same tokens after a space as after #', () => {
    expect(v2.encode('order 48213')).not.toContain(261);
    expect(v2.encode('order 48213').slice(-5)).toEqual(v2.encode('order #48213').slice(-5));
    expect(v1.encode('order 48213').slice(-5)).not.toEqual(v1.encode('order #48213').slice(-5));
  });
});

describe('fromJSON validation', () => {
  const good = trainedTokenizer().toJSON() as Record<string, unknown>;
  const cases: Array<[string, unknown, RegExp]> = [
    ['null', null, /expected an object/],
    ['an array', [], /expected an object/],
    ['a wrong format', { ...good, format: 'gpt2' }, /format/],
    ['a future version', { ...good, version: 3 }, /version/],
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
