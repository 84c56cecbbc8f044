/**
 * What a scorer learns from a file: user turns of dialogues or single
 * messages, with the intent and the kind a corpus marks them with.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readMessages } from '../../src/understanding/read-examples.ts';

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => fs.rm(d, { recursive: true, force: true }))));

async function file(lines: unknown[]): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'colloquy-read-examples-'));
  dirs.push(dir);
  const f = path.join(dir, 'data.jsonl');
  await fs.writeFile(f, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n');
  return f;
}

describe('reading the messages a scorer learns from', () => {
  it('keeps the kind a corpus marks a user turn or a message with, and only the kinds the engine knows', async () => {
    const f = await file([
      { turns: [
        { speaker: 'user', text: 'human please', kind: 'asks-for-person' },
        { speaker: 'bot', text: 'Sure, what is it about?', kind: 'frustrated' },
        { speaker: 'user', text: 'this is ridiculous', kind: 'frustrated', intent: 'complain' },
        { speaker: 'user', text: 'where is my order', kind: 'shouting' },
      ] },
      { text: 'get me a manager', kind: 'asks-for-person' },
      'not json',
    ]);
    const { messages, skipped } = await readMessages(f);

    expect(messages).toEqual([
      { text: 'human please', kind: 'asks-for-person' },
      { text: 'this is ridiculous', intent: 'complain', kind: 'frustrated' },
      { text: 'where is my order' },
      { text: 'get me a manager', kind: 'asks-for-person' },
    ]);
    expect(skipped).toBe(1);
  });

  it("gives each user turn its dialogue's topics, as the corpus or SGD (services) names them", async () => {
    const f = await file([
      { topics: ['orders', 'returns'], turns: [{ speaker: 'user', text: 'where is my order' }, { speaker: 'bot', text: 'Which one?' }, { speaker: 'user', text: 'and can i return it' }] },
      { services: ['Restaurants_1'], turns: [{ speaker: 'user', text: 'book a table' }] },
      { topics: [], turns: [{ speaker: 'user', text: 'hello' }] },
    ]);
    const { messages } = await readMessages(f);

    expect(messages).toEqual([
      { text: 'where is my order', topics: ['orders', 'returns'] },
      { text: 'and can i return it', topics: ['orders', 'returns'] },
      { text: 'book a table', topics: ['Restaurants_1'] },
      { text: 'hello' },
    ]);
  });
});
