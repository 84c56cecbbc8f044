/**
 * Action turns survive every path data takes: a corpus file read and written
 * again, and the log exported for retraining (redacted like the text around it).
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { renderAction } from '../../src/data/action-text.ts';
import type { ActionCall } from '../../src/data/dialogue.ts';
import { readCorpus, writeCorpus } from '../../src/data/corpus-file.ts';
import { exportTrainingSet } from '../../src/learning/export.ts';
import { createLowdbStore } from '../../src/storage/lowdb-store.ts';
import { putConversation, reviewed } from '../learning/fixtures.ts';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await fs.rm(d, { recursive: true, force: true });
});
async function tempDir(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'colloquy-action-data-'));
  dirs.push(dir);
  return dir;
}

const LOOKUP = { speaker: 'action', name: 'order_status', parameters: { order: '48213' }, results: [{ order: '48213', status: 'shipped', eta: 'May 7' }] };

describe('the text the model reads for an action', () => {
  it('says each fact once: a record field that repeats its parameter is left out, one that differs stays', () => {
    const search: ActionCall = { name: 'find_flight', parameters: { city: 'Boston', date: 'May 7' }, results: [{ city: 'boston', date: 'May 8', airline: 'Delta' }, { city: 'Boston', airline: 'United' }, { city: 'Boston' }] };
    expect(renderAction(search)).toBe('find flight city: Boston, date: May 7 => 3 found: date: May 8, airline: Delta | airline: United | found');
  });

  it('shows the first three records and says how many were found', () => {
    const results = ['A', 'B', 'C', 'D'].map((name) => ({ name }));
    expect(renderAction({ name: 'stores', parameters: {}, results })).toBe('stores => 4 found: name: A | name: B | name: C');
  });
});

describe('corpus files with action turns', () => {
  it('reads them with their rendered text and writes them back unchanged', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'in.jsonl');
    const failed = { speaker: 'action', name: 'order_status', parameters: { order: '11111' }, error: 'timed out' };
    await fs.writeFile(file, JSON.stringify({ id: 'd1', turns: [{ speaker: 'user', text: 'where is 48213?' }, LOOKUP, { speaker: 'system', text: 'It ships May 7.' }, { speaker: 'user', text: 'and 11111?' }, failed, { speaker: 'bot', text: 'I could not look that up.' }] }) + '\n');

    const { dialogues } = await readCorpus(file);
    await writeCorpus(path.join(dir, 'out.jsonl'), dialogues);
    const again = JSON.parse((await fs.readFile(path.join(dir, 'out.jsonl'), 'utf8')).trim());

    expect(dialogues[0].turns[1]).toMatchObject({ ...LOOKUP, text: 'order status order: 48213 => status: shipped, eta: May 7' });
    expect(dialogues[0].turns[4].text).toBe('order status order: 11111 => failed');
    expect(again.turns[1]).toEqual(LOOKUP);
    expect(again.turns[4]).toEqual(failed);
  });

  it('skips a line whose action turn is malformed, naming the problem', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'bad.jsonl');
    await fs.writeFile(file, [
      JSON.stringify({ id: 'ok', turns: [{ speaker: 'user', text: 'hi' }, { speaker: 'bot', text: 'hello' }] }),
      JSON.stringify({ id: 'bad', turns: [{ speaker: 'user', text: 'hi' }, { speaker: 'action', name: 'x', parameters: {} }] }),
      JSON.stringify({ id: 'bad2', turns: [{ speaker: 'action', name: 'x', results: 'shipped' }] }),
    ].join('\n'));

    const { dialogues, problems } = await readCorpus(file);

    expect(dialogues.map((d) => d.id)).toEqual(['ok']);
    expect(problems.map((p) => p.message)).toEqual(['turn 2: action turn needs "results" or "error"', 'turn 1: action "results" must be an array of objects']);
  });
});

describe('exporting the log for retraining', () => {
  it('keeps action turns, redacted like the turns around them', async () => {
    const store = await createLowdbStore({ dir: await tempDir() });
    try {
      await putConversation(store, 'c1', [
        ['user', 'order 48213, my email is jo@example.com'],
        ['action', 'rendered', { name: 'order_status', parameters: { order: '48213', email: 'jo@example.com' }, results: [{ status: 'shipped' }] }],
        ['bot', 'Order 48213 has shipped.'],
      ], { review: reviewed('good') });

      const exp = await exportTrainingSet(store, { heldBackFraction: 0 });

      const turns = exp.dialogues[0].turns;
      expect(turns.map((t) => t.speaker)).toEqual(['user', 'action', 'bot']);
      expect(turns[1].parameters?.order).toBe('48213');
      expect(turns[1].parameters?.email).not.toContain('jo@example.com');
      expect(turns[0].text).not.toContain('jo@example.com');
      expect(turns[1].text).toMatch(/^order status order: 48213, email: .+ => status: shipped$/);
    } finally {
      await store.close();
    }
  });
});
