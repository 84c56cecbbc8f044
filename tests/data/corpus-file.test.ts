import { rejectionOf } from '../helpers/errors.ts';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readCorpus, writeCorpus } from '../../src/data/corpus-file.ts';
import { isColloquyError } from '../../src/errors.ts';
import type { Dialogue } from '../../src/data/dialogue.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'colloquy-corpus-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const line = (o: unknown) => JSON.stringify(o);
const good = (id: string) => line({ id, turns: [{ speaker: 'user', text: 'Where is my order?' }, { speaker: 'bot', text: 'Let me check.' }] });

async function put(name: string, text: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, text);
  return file;
}


describe('readCorpus', () => {
  it('keeps good dialogues and reports a bad line with its line number', async () => {
    const file = await put('chats.jsonl', [good('a'), '', '{"id": "b", "turns": [', good('c')].join('\n') + '\n');
    const result = await readCorpus(file);
    expect(result.dialogues.map((d) => d.id)).toEqual(['a', 'c']);
    expect(result.problems).toEqual([{ file, line: 3, message: 'not valid JSON' }]);
    expect(result.lines).toBe(4);
  });

  it('throws on the first problem in strict mode, naming file:line', async () => {
    const file = await put('chats.jsonl', [good('a'), line({ id: 'b', turns: 'nope' }), 'garbage'].join('\n'));
    const err = await rejectionOf(readCorpus(file, { strict: true }));
    expect(isColloquyError(err, 'corpus_malformed')).toBe(true);
    expect(err.message).toBe(`${file}:2: no "turns" array`);
  });

  it('accepts system, assistant and agent speakers as the bot side (agent stays agent)', async () => {
    const file = await put('sgd.jsonl', line({
      id: 'x', services: ['Banks_1'],
      turns: [
        { speaker: 'USER', text: 'hi' }, { speaker: 'system', text: 'hello' },
        { speaker: 'customer', text: 'help' }, { speaker: 'assistant', text: 'sure' }, { speaker: 'agent', text: 'I can help' },
      ],
    }));
    const { dialogues, problems } = await readCorpus(file);
    expect(problems).toEqual([]);
    expect(dialogues[0].turns.map((t) => t.speaker)).toEqual(['user', 'bot', 'user', 'bot', 'agent']);
  });

  it('reports unknown speakers, non-string text, non-objects and dialogues empty after cleaning', async () => {
    const file = await put('mixed.jsonl', [
      line({ id: 'a', turns: [{ speaker: 'narrator', text: 'once' }] }),
      line({ id: 'b', turns: [{ speaker: 'user', text: 42 }] }),
      line([1, 2]),
      line({ id: 'd', turns: [{ speaker: 'user', text: '   ' }] }),
      line({ id: 'e', turns: [] }),
      good('f'),
    ].join('\n'));
    const { dialogues, problems } = await readCorpus(file);
    expect(dialogues.map((d) => d.id)).toEqual(['f']);
    expect(problems.map((p) => [p.line, p.message])).toEqual([
      [1, 'turn 1: unknown speaker "narrator"'],
      [2, 'turn 1: text is not a string'],
      [3, 'expected a JSON object'],
      [4, 'dialogue is empty after cleaning'],
      [5, 'dialogue is empty after cleaning'],
    ]);
  });

  it('uses <basename>:<line> for a missing id, ignores extra fields, applies cleaning, handles CRLF and BOM', async () => {
    const file = await put('noid.jsonl', '\uFEFF' + line({ turns: [{ speaker: 'user', text: '  Cafe\u0301   OPEN? ', extra: 1 }], meta: {} }) + '\r\n' + good('z') + '\r\n');
    const { dialogues } = await readCorpus(file, { clean: { lowercase: true } });
    expect(dialogues[0]).toEqual({ id: 'noid.jsonl:1', turns: [{ speaker: 'user', text: 'café open?' }] });
    expect(dialogues[1].id).toBe('z');
  });

  it('fails clearly on a missing file, an empty file and a non-JSON file', async () => {
    const missing = await rejectionOf(readCorpus(join(dir, 'nope.jsonl')));
    expect(isColloquyError(missing, 'corpus_missing')).toBe(true);
    expect(missing.message).toContain('nope.jsonl');

    const empty = await rejectionOf(readCorpus(await put('empty.jsonl', '\n\n')));
    expect(isColloquyError(empty, 'corpus_empty')).toBe(true);
    expect(empty.message).toContain('empty.jsonl');

    const text = await put('notes.jsonl', 'Dear support,\nmy order is late.\n');
    const bad = await rejectionOf(readCorpus(text));
    expect(isColloquyError(bad, 'corpus_empty')).toBe(true);
    expect(bad.message).toContain('2 of 2 lines were bad');
    expect(bad.message).toContain(`${text}:1: not valid JSON`);
  });

  it('routes .csv and .tsv files to the table importer', async () => {
    const csv = await readCorpus(await put('faq.csv', 'question,answer\nHi,Hello\n'));
    const tsv = await readCorpus(await put('faq.tsv', 'question\tanswer\nHi\tHello\n'));
    for (const r of [csv, tsv]) expect(r.dialogues[0].turns.map((t) => t.text)).toEqual(['Hi', 'Hello']);
  });

  it('streams a 20 MB file', async () => {
    const row = line({ id: 'x', turns: [{ speaker: 'user', text: 'a'.repeat(900) }, { speaker: 'bot', text: 'b'.repeat(900) }] }) + '\n';
    const count = Math.ceil((20 * 1024 * 1024) / row.length);
    const file = await put('big.jsonl', row.repeat(count));
    const { dialogues, problems, lines } = await readCorpus(file);
    expect(dialogues.length).toBe(count);
    expect(problems).toEqual([]);
    expect(lines).toBe(count);
  });
});

describe('writeCorpus', () => {
  it('round-trips through readCorpus (topics too) and leaves no temp file behind', async () => {
    const dialogues: Dialogue[] = [
      { id: 'a', turns: [{ speaker: 'user', text: 'Line\nbreak "quoted"' }, { speaker: 'agent', text: 'Ok ✓' }] },
      { id: 'b', turns: [{ speaker: 'user', text: 'x' }], topics: ['orders', 'smalltalk'] },
    ];
    const file = join(dir, 'nested', 'out.jsonl');
    await writeCorpus(file, [{ id: 'old', turns: [{ speaker: 'user', text: 'old' }] }]);
    await writeCorpus(file, dialogues);
    expect((await readFile(file, 'utf8')).split('\n')).toHaveLength(3);
    expect((await readCorpus(file, { clean: { normalizeWhitespace: false } })).dialogues).toEqual(dialogues);
    expect(await readdir(join(dir, 'nested'))).toEqual(['out.jsonl']);
  });
});
