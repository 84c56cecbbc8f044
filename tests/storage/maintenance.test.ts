import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readCorpus } from '../../src/data/corpus-file.ts';
import { createLowdbStore } from '../../src/storage/lowdb-store.ts';
import { exportCorpus } from '../../src/storage/maintenance.ts';
import { createRecord, createTempDir, createTurn } from './fixtures/records.ts';

let tmp: Awaited<ReturnType<typeof createTempDir>>;
beforeEach(async () => { tmp = await createTempDir(); });
afterEach(async () => { await tmp.remove(); });

describe('export', () => {
  it('writes the corpus format, one dialogue per session, without notices, redacted', async () => {
    const store = await createLowdbStore({ dir: tmp.dir });
    await store.update('web:1', () => createRecord('web:1', { updatedAt: '2025-02-01T00:00:00.000Z', turns: [
      createTurn('1', { text: 'hi, I am ana@example.com, card 4111 1111 1111 1111' }),
      createTurn('2', { speaker: 'notice', text: 'Type /help for help' }),
      createTurn('3', { speaker: 'bot', text: 'hello! call us at +1 (555) 123-4567' }),
      createTurn('4', { sessionId: 's2', text: 'order #48213 at 11:30?' }),
      createTurn('5', { sessionId: 's2', speaker: 'agent', text: 'on its way' })] }));
    await store.update('slack:2', () => createRecord('slack:2', { channel: 'slack', turns: [createTurn('1', { text: 'IBAN DE89 3704 0044 0532 0130 00' })] }));

    const file = join(tmp.dir, 'out', 'export.jsonl');
    expect(await exportCorpus(store, file)).toEqual({ conversations: 2, dialogues: 3, turns: 5 });
    const lines = (await readFile(file, 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toEqual([
      { id: 'web:1#1', turns: [{ speaker: 'user', text: 'hi, I am [email], card [card]' }, { speaker: 'bot', text: 'hello! call us at [phone]' }] },
      { id: 'web:1#2', turns: [{ speaker: 'user', text: 'order #48213 at 11:30?' }, { speaker: 'agent', text: 'on its way' }] },
      { id: 'slack:2#1', turns: [{ speaker: 'user', text: 'IBAN [iban]' }] },
    ]);
    expect((await readCorpus(file)).dialogues).toHaveLength(3);

    expect(await exportCorpus(store, file, { redact: false, filter: { channel: 'slack' } })).toEqual({ conversations: 1, dialogues: 1, turns: 1 });
    expect(await readFile(file, 'utf8')).toContain('DE89 3704');
    await store.close();
  });
});
