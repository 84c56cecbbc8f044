import { rejectionOf } from '../helpers/errors.ts';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importTable, readTableRecords } from '../../src/data/import-table.ts';
import { isColloquyError } from '../../src/errors.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'colloquy-table-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function put(name: string, text: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, text);
  return file;
}


const texts = (r: { dialogues: { turns: { text: string }[] }[] }) => r.dialogues.map((d) => d.turns.map((t) => t.text));

describe('importTable (CSV)', () => {
  it('handles quoted commas, doubled quotes and newlines inside quotes', async () => {
    const file = await put('faq.csv', [
      'Question,Answer',
      '"Hi, are you open?","Yes, 9 to 5."',
      'Say ""hi""?,"She said ""hello"""',
      '"Two',
      'lines?",Fine',
      'Last,One',
    ].join('\r\n'));
    const result = await importTable(file, { clean: { normalizeWhitespace: false } });
    expect(texts(result)).toEqual([
      ['Hi, are you open?', 'Yes, 9 to 5.'],
      ['Say ""hi""?', 'She said "hello"'],
      ['Two\nlines?', 'Fine'],
      ['Last', 'One'],
    ]);
    expect(result.dialogues.map((d) => d.id)).toEqual(['faq.csv:2', 'faq.csv:3', 'faq.csv:4', 'faq.csv:6']);
    expect(result.dialogues[0].turns.map((t) => t.speaker)).toEqual(['user', 'bot']);
    expect(result.lines).toBe(6);
  });

  it('finds columns by name in any order and case, and uses an id column', async () => {
    const file = await put('pairs.csv', 'id,RESPONSE,notes,Prompt\nr1,Hello there,x,Hi\n');
    const { dialogues } = await importTable(file);
    expect(dialogues).toEqual([{ id: 'r1', turns: [{ speaker: 'user', text: 'Hi' }, { speaker: 'bot', text: 'Hello there' }] }]);
  });

  it('reports bad rows with line numbers and keeps the good ones', async () => {
    const file = await put('bad.csv', 'user,bot\nhi,hello\nonly one field\n"",empty question\nbye,"see you\n');
    const result = await importTable(file);
    expect(texts(result)).toEqual([['hi', 'hello']]);
    expect(result.problems.map((p) => [p.line, p.message])).toEqual([
      [3, 'expected 2 fields, found 1'],
      [4, 'empty question after cleaning'],
      [5, 'unterminated quoted field (opened on line 5)'],
    ]);
    expect(result.problems[0].file).toBe(file);
    const err = await rejectionOf(importTable(file, { strict: true }));
    expect(isColloquyError(err, 'corpus_malformed')).toBe(true);
    expect(err.message).toBe(`${file}:3: expected 2 fields, found 1`);
  });

  it('rejects a header without known columns, and an empty table', async () => {
    const noHeader = await rejectionOf(importTable(await put('x.csv', 'hi,hello\nbye,see you\n')));
    expect(isColloquyError(noHeader, 'corpus_malformed')).toBe(true);
    expect(noHeader.message).toContain('x.csv:1: header has no question/answer columns');
    const headerOnly = await rejectionOf(importTable(await put('h.csv', 'question,answer\n')));
    expect(isColloquyError(headerOnly, 'corpus_empty')).toBe(true);
    const missing = await rejectionOf(importTable(join(dir, 'gone.csv')));
    expect(isColloquyError(missing, 'corpus_missing')).toBe(true);
  });
});

describe('importTable (TSV)', () => {
  it('splits on tabs, keeps commas and unwraps fully quoted fields', async () => {
    const file = await put('faq.tsv', 'question\tanswer\nHi, there\t"Hello, ""friend"""\n\nWhy?\tBecause, that is why\n');
    const result = await importTable(file);
    expect(texts(result)).toEqual([['Hi, there', 'Hello, "friend"'], ['Why?', 'Because, that is why']]);
    expect(result.dialogues[1].id).toBe('faq.tsv:4');
  });
});

describe('readTableRecords', () => {
  it('reports the line each record starts on', async () => {
    async function* lines() {
      yield* ['a,b', '"x', 'y",z', '', 'p,q'];
    }
    const recs = [];
    for await (const r of readTableRecords(lines(), ',')) recs.push(r);
    expect(recs).toEqual([{ line: 1, fields: ['a', 'b'] }, { line: 2, fields: ['x\ny', 'z'] }, { line: 5, fields: ['p', 'q'] }]);
  });
});
