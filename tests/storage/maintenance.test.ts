import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readCorpus } from '../../src/data/corpus-file.ts';
import { createLowdbStore } from '../../src/storage/lowdb-store.ts';
import { deleteOlderThan, deleteUser, exportCorpus } from '../../src/storage/maintenance.ts';
import { collect, createRecord, createTempDir, createTurn } from './fixtures/records.ts';

let tmp: Awaited<ReturnType<typeof createTempDir>>;
beforeEach(async () => { tmp = await createTempDir(); });
afterEach(async () => { await tmp.remove(); });

const now = new Date('2025-06-30T00:00:00.000Z');
const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000).toISOString();

describe('retention', () => {
  it('deletes conversations whose last activity is older than N days', async () => {
    const store = await createLowdbStore({ dir: tmp.dir });
    for (const [id, age] of [['old', 91], ['edge', 90], ['new', 3]] as const) {
      await store.update(id, () => createRecord(id, { createdAt: daysAgo(200), updatedAt: daysAgo(age) }));
    }
    expect(await deleteOlderThan(store, 90, new Date(now.getTime() - 1))).toEqual({ deleted: 1 });
    expect((await collect(store.list())).map((s) => s.id).sort()).toEqual(['edge', 'new']);
    expect(await store.get('old')).toBeUndefined();
    await expect(deleteOlderThan(store, -1)).rejects.toThrow(/days/);
    await store.close();
  });
});

describe('user deletion', () => {
  it("removes the user's conversations, their turns elsewhere and their name on feedback", async () => {
    const store = await createLowdbStore({ dir: tmp.dir });
    await store.update('slack:dm-u1', () => createRecord('slack:dm-u1', { userId: 'u1', turns: [createTurn('1', { userId: 'u1' })] }));
    await store.update('slack:dm-u1b', () => createRecord('slack:dm-u1b', { userId: 'u1' }));
    await store.update('slack:shared', () => createRecord('slack:shared', { userId: 'u2', turns: [
      createTurn('1', { userId: 'u2' }), createTurn('2', { userId: 'u1', text: 'I am u1' }),
      createTurn('3', { speaker: 'bot', feedback: { value: 'down', at: 'x', by: 'u1' } })] }));
    await store.update('web:other', () => createRecord('web:other', { userId: 'u3', turns: [createTurn('1', { userId: 'u3' })] }));

    expect(await deleteUser(store, 'u1')).toEqual({ conversations: 2, turns: 1, corruptFiles: 0 });
    expect((await collect(store.list())).map((s) => s.id).sort()).toEqual(['slack:shared', 'web:other']);
    const shared = (await store.get('slack:shared'))!;
    expect(shared.turns.map((t) => t.id)).toEqual(['1', '3']);
    expect(shared.turns[1].feedback).toEqual({ value: 'down', at: 'x' });
    await store.close();
    const raw = (await Promise.all(['slack:shared', 'web:other'].map((id) => readFile(store.fileFor(id), 'utf8')))).join('');
    expect(raw).not.toContain('u1');
    expect(await readFile(join(tmp.dir, 'index.jsonl'), 'utf8')).not.toContain('u1'); // old lines compacted away
  });

  it('also removes moved-aside corrupt files that mention the user', async () => {
    const store = await createLowdbStore({ dir: tmp.dir });
    await store.update('web:1', () => createRecord('web:1', { userId: 'u1' }));
    await store.close();
    await writeFile(store.fileFor('web:1'), JSON.stringify(createRecord('web:1', { userId: 'u1' })).slice(0, 60));
    const reopened = await createLowdbStore({ dir: tmp.dir });
    expect(await reopened.get('web:1')).toBeUndefined();
    expect(await deleteUser(reopened, 'u1')).toEqual({ conversations: 0, turns: 0, corruptFiles: 1 });
    await reopened.close();
  });
});

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
