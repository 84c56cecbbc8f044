import { appendFile, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { matchesFilter, openIndex, summarize } from '../../src/storage/index-file.ts';
import { createLowdbStore } from '../../src/storage/lowdb-store.ts';
import type { ConversationRecord } from '../../src/storage/types.ts';
import { appendTurn, collect, createRecord, createTempDir, createTurn } from './fixtures/records.ts';

let tmp: Awaited<ReturnType<typeof createTempDir>>;
beforeEach(async () => { tmp = await createTempDir(); });
afterEach(async () => { await tmp.remove(); });

/** Five conversations that differ in every filterable way. */
const fixtures: ConversationRecord[] = [
  createRecord('web:a', { channel: 'web', userId: 'u1', updatedAt: '2025-03-01T00:00:00.000Z', turns: [
    createTurn('1'), createTurn('2', { speaker: 'bot', confidence: -0.4, feedback: { value: 'up', at: 'x' } })] }),
  createRecord('slack:b', { channel: 'slack', userId: 'u2', updatedAt: '2025-03-05T00:00:00.000Z', handoff: { state: 'requested' }, turns: [
    createTurn('1'), createTurn('2', { speaker: 'bot', confidence: -3.1, fallback: true, feedback: { value: 'down', at: 'x' } }),
    createTurn('3', { speaker: 'bot', confidence: -1 })] }),
  createRecord('slack:c', { channel: 'slack', userId: 'u1', updatedAt: '2025-03-10T00:00:00.000Z', handoff: { state: 'accepted', agentId: 'a1' }, turns: [
    createTurn('1'), createTurn('2', { speaker: 'agent', agentId: 'a1' })] }),
  createRecord('discord:d', { channel: 'discord', userId: 'u3', updatedAt: '2025-03-15T00:00:00.000Z', turns: [
    createTurn('1', { speaker: 'notice' }), createTurn('2', { speaker: 'bot', confidence: -2 })] }),
  createRecord('web:e', { channel: 'web', userId: 'u3', updatedAt: '2025-03-20T00:00:00.000Z', handoff: { state: 'closed' }, turns: [] }),
];

async function seed(dir: string) {
  const store = await createLowdbStore({ dir });
  for (const r of fixtures) await store.update(r.id, () => r);
  return store;
}

const ids = async (store: Awaited<ReturnType<typeof seed>>, filter?: Parameters<typeof store.list>[0]) =>
  (await collect(store.list(filter))).map((s) => s.id);

describe('summarize', () => {
  it('counts turns, fallbacks, feedback and the lowest bot confidence', () => {
    expect(summarize(fixtures[1])).toEqual({
      id: 'slack:b', channel: 'slack', userId: 'u2', createdAt: fixtures[1].createdAt, updatedAt: '2025-03-05T00:00:00.000Z',
      turns: 3, minConfidence: -3.1, fallbacks: 1, feedbackUp: 0, feedbackDown: 1, handoffState: 'requested',
    });
    expect(summarize(fixtures[2]).minConfidence).toBeUndefined();
    expect('minConfidence' in summarize(fixtures[4])).toBe(false);
  });

  it('is pure', () => {
    const copy = structuredClone(fixtures[1]);
    summarize(copy);
    expect(copy).toEqual(fixtures[1]);
    expect(matchesFilter(summarize(copy), {})).toBe(true);
  });
});

describe('list', () => {
  it('filters by channel, user, date range, feedback, hand-off state and confidence, newest first', async () => {
    const store = await seed(tmp.dir);
    expect(await ids(store)).toEqual(['web:e', 'discord:d', 'slack:c', 'slack:b', 'web:a']);
    expect(await ids(store, { channel: 'slack' })).toEqual(['slack:c', 'slack:b']);
    expect(await ids(store, { userId: 'u1' })).toEqual(['slack:c', 'web:a']);
    expect(await ids(store, { from: new Date('2025-03-05T00:00:00Z'), to: new Date('2025-03-15T00:00:00Z') })).toEqual(['discord:d', 'slack:c', 'slack:b']);
    expect(await ids(store, { from: new Date('2025-03-16T00:00:00Z') })).toEqual(['web:e']);
    expect(await ids(store, { to: new Date('2025-03-04T00:00:00Z') })).toEqual(['web:a']);
    expect(await ids(store, { feedback: 'up' })).toEqual(['web:a']);
    expect(await ids(store, { feedback: 'down' })).toEqual(['slack:b']);
    expect(await ids(store, { feedback: 'any' })).toEqual(['slack:b', 'web:a']);
    expect(await ids(store, { handoffState: 'none' })).toEqual(['discord:d', 'web:a']);
    expect(await ids(store, { handoffState: 'accepted' })).toEqual(['slack:c']);
    expect(await ids(store, { maxConfidence: -2 })).toEqual(['discord:d', 'slack:b']);
    expect(await ids(store, { maxConfidence: -5 })).toEqual([]);
    expect(await ids(store, { channel: 'slack', feedback: 'down', maxConfidence: -1 })).toEqual(['slack:b']);
    expect(await ids(store, { limit: 2 })).toEqual(['web:e', 'discord:d']);
    await store.close();
  });

  it('never reads a conversation file', async () => {
    const store = await seed(tmp.dir);
    await store.close();
    const reopened = await createLowdbStore({ dir: tmp.dir });
    for (const r of fixtures) await writeFile(reopened.fileFor(r.id), 'garbage that would be moved aside if read');
    expect(await ids(reopened, { channel: 'web' })).toEqual(['web:e', 'web:a']);
    await reopened.close();
  });
});

describe('index file', () => {
  it('is consistent after a restart', async () => {
    const store = await seed(tmp.dir);
    const before = await collect(store.list());
    await store.close();
    const reopened = await createLowdbStore({ dir: tmp.dir });
    expect(await collect(reopened.list())).toEqual(before);
    expect(before.map((s) => s.id)).toHaveLength(5);
    await reopened.close();
  });

  it.each([
    ['deleted', (file: string) => unlink(file)],
    ['corrupt in the middle', (file: string) => writeFile(file, '{"put":{"id":"web:a","updatedAt":"x"}}\n{{{ not json\n{"del":"web:e"}\n')],
    ['holding a JSON null', (file: string) => writeFile(file, 'null\n')],
  ])('is rebuilt from the files when %s', async (_kind, damage) => {
    const store = await seed(tmp.dir);
    const before = await collect(store.list());
    await store.close();
    await damage(join(tmp.dir, 'index.jsonl'));
    const reopened = await createLowdbStore({ dir: tmp.dir });
    expect(await collect(reopened.list())).toEqual(before);
    await reopened.close();
  });

  it('ignores a torn last line and rewrites the log before appending', async () => {
    const store = await seed(tmp.dir);
    const before = await collect(store.list());
    await store.close();
    await appendFile(join(tmp.dir, 'index.jsonl'), '{"put":{"id":"web:zz","upd');
    const reopened = await createLowdbStore({ dir: tmp.dir });
    expect(await collect(reopened.list())).toEqual(before);
    await reopened.update('web:new', appendTurn('web:new', createTurn('t1')));
    await reopened.close();
    const again = await createLowdbStore({ dir: tmp.dir });
    expect((await collect(again.list())).map((s) => s.id)).toContain('web:new');
    expect(await readFile(join(tmp.dir, 'index.jsonl'), 'utf8')).not.toContain('web:zz');
    await again.close();
  });

  it('re-reads a conversation whose write began but was not logged as done (killed mid-write)', async () => {
    const store = await seed(tmp.dir);
    await store.close();
    // The file got the new turn, the process died before the index line: simulate it.
    const file = store.fileFor('web:a');
    const record = JSON.parse(await readFile(file, 'utf8')) as ConversationRecord;
    record.turns.push(createTurn('3', { speaker: 'bot', confidence: -9 }));
    await writeFile(file, JSON.stringify(record));
    await appendFile(join(tmp.dir, 'index.jsonl'), JSON.stringify({ begin: 'web:a' }) + '\n');
    // And a deletion that removed the file but not the index entry.
    await rm(store.fileFor('web:e'));
    await appendFile(join(tmp.dir, 'index.jsonl'), JSON.stringify({ begin: 'web:e' }) + '\n');

    const reopened = await createLowdbStore({ dir: tmp.dir });
    const a = (await collect(reopened.list())).find((s) => s.id === 'web:a')!;
    expect([a.turns, a.minConfidence]).toEqual([3, -9]);
    expect(await ids(reopened)).not.toContain('web:e');
    await reopened.close();
  });

  it('is compacted once it holds more than twice the live entries', async () => {
    const store = await createLowdbStore({ dir: tmp.dir, durable: false });
    for (let i = 0; i < 700; i++) await store.update('web:1', appendTurn('web:1', createTurn(`t${i}`)));
    await store.update('web:2', appendTurn('web:2', createTurn('t')));
    await store.close();
    const lines = (await readFile(join(tmp.dir, 'index.jsonl'), 'utf8')).trim().split('\n');
    expect(lines.length).toBeLessThan(1000); // 1,402 lines were appended in all
    const reopened = await createLowdbStore({ dir: tmp.dir });
    expect((await collect(reopened.list())).map((s) => [s.id, s.turns])).toEqual([['web:1', 700], ['web:2', 1]]);
    await reopened.close();
  });
});

describe('compaction under load', () => {
  it('keeps every change made while the snapshot is written', async () => {
    const file = join(tmp.dir, 'index.jsonl');
    const resummarized: string[] = [];
    const options = {
      file,
      scan: async function* () {},
      resummarize: async (id: string) => { resummarized.push(id); return undefined; },
      compactMinLines: 10,
    };
    const index = await openIndex(options);
    const summary = (id: string, turns: number) => summarize(createRecord(id, { turns: Array.from({ length: turns }, (_, i) => createTurn(String(i))) }));
    for (let i = 0; i < 5000; i++) index.commit(summary(`c${i}`, 1));
    const compaction = index.compact();
    // While the snapshot is built in slices: changes, deletions, a new entry, a write left open.
    for (let i = 0; i < 5000; i += 7) index.commit(summary(`c${i}`, 2));
    for (let i = 3; i < 5000; i += 100) index.commitDelete(`c${i}`);
    await new Promise((resolve) => setImmediate(resolve));
    index.commit(summary('late', 3));
    index.begin('c1');
    index.begin('open-write');
    await compaction;
    await index.close();

    const reopened = await openIndex(options);
    expect(resummarized.sort()).toEqual(['c1', 'open-write']);
    expect(reopened.get('late')!.turns).toBe(3);
    expect(reopened.get('c7')!.turns).toBe(2);
    expect(reopened.get('c8')!.turns).toBe(1);
    expect(reopened.get('c103')).toBeUndefined();
    expect(reopened.get('c1')).toBeUndefined(); // its file is gone: resummarize said so
    expect(reopened.size).toBe(5000 - 50 - 1 + 1);
    await reopened.close();
  });
});

describe('store and index together', () => {
  it('adds a conversation the index missed when its file is read', async () => {
    const store = await seed(tmp.dir);
    await store.close();
    await writeFile(join(tmp.dir, 'index.jsonl'), '');
    const reopened = await createLowdbStore({ dir: tmp.dir });
    expect(await ids(reopened)).toEqual([]);
    await reopened.get('web:a');
    expect(await ids(reopened)).toEqual(['web:a']);
    await reopened.close();
  });
});
