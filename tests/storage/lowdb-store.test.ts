import { readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isColloquyError } from '../../src/errors.ts';
import type { Logger } from '../../src/logger.ts';
import { createLowdbStore } from '../../src/storage/lowdb-store.ts';
import { appendTurn, collect, createRecord, createTempDir, createTurn } from './fixtures/records.ts';

function createFakeLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, debug() {}, info() {}, warn: (msg) => { warnings.push(msg); }, error: (msg) => { warnings.push(msg); } };
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(p)));
    else out.push(p);
  }
  return out;
}

let tmp: Awaited<ReturnType<typeof createTempDir>>;
beforeEach(async () => { tmp = await createTempDir(); });
afterEach(async () => { await tmp.remove(); });

// What every store promises (copies, order, bad records, use after close, channel state) is in store-contract.test.ts.
describe('lowdb store', () => {
  it('round-trips a conversation through a restart', async () => {
    const store = await createLowdbStore({ dir: tmp.dir });
    const record = createRecord('web:1', { handoff: { state: 'requested', requestedAt: '2025-01-01T10:01:00.000Z', reason: 'command' } });
    record.turns.push(createTurn('t1'), createTurn('t2', { speaker: 'bot', confidence: -0.5, modelVersion: 'v1', feedback: { value: 'up', at: 'x', by: 'u1' } }));
    const stored = await store.update('web:1', () => record);
    expect(stored).toEqual(record);
    expect(await store.get('missing')).toBeUndefined();
    await store.close();

    const reopened = await createLowdbStore({ dir: tmp.dir });
    expect(await reopened.get('web:1')).toEqual(record);
    const file = reopened.fileFor('web:1');
    expect(relative(tmp.dir, file)).toMatch(/^c\/[0-9a-f]{2}\/[0-9a-f]{64}\.json$/);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(record);
    await reopened.close();
  });

  it.each([
    ['empty', ''],
    ['truncated', '{"id":"web:1","channel":"web","turns":[{"id":"t1",'],
    ['not a record', '[1,2,3]'],
  ])('moves a corrupt (%s) file aside with a warning and lets the conversation continue', async (_kind, content) => {
    const setup = await createLowdbStore({ dir: tmp.dir });
    await setup.update('web:1', appendTurn('web:1', createTurn('t1')));
    await setup.close();
    const file = setup.fileFor('web:1');
    await writeFile(file, content);

    const logger = createFakeLogger();
    const store = await createLowdbStore({ dir: tmp.dir, logger });
    expect(await store.get('web:1')).toBeUndefined();
    expect(logger.warnings.some((w) => w.includes('moved aside'))).toBe(true);
    const aside = await readdir(join(tmp.dir, 'corrupt'));
    expect(aside).toHaveLength(1);
    expect(aside[0]).toMatch(/^[0-9a-f]{64}\.\d{4}-\d\d-\d\dT[\d-]+Z\.json$/);
    expect(await readFile(join(tmp.dir, 'corrupt', aside[0]), 'utf8')).toBe(content);

    const continued = await store.update('web:1', appendTurn('web:1', createTurn('t2')));
    expect(continued.turns.map((t) => t.id)).toEqual(['t2']);
    expect((await collect(store.list())).map((s) => [s.id, s.turns])).toEqual([['web:1', 1]]);
    await store.close();
  });

  it('reports a write error as colloquy_storage_write_failed and keeps what was stored', async () => {
    const store = await createLowdbStore({ dir: tmp.dir });
    await store.update('web:1', appendTurn('web:1', createTurn('t1')));
    const shard = dirname(store.fileFor('web:1'));
    // Root ignores chmod, so break the path instead: the shard directory becomes a file.
    await rename(shard, `${shard}.aside`);
    await writeFile(shard, 'not a directory');

    const err = await store.update('web:1', appendTurn('web:1', createTurn('t2'))).catch((e: unknown) => e);
    expect(isColloquyError(err, 'storage_write_failed')).toBe(true);
    expect((err as Error).message).toMatch(/ENOTDIR/);
    expect((await store.get('web:1'))!.turns.map((t) => t.id)).toEqual(['t1']);
    expect((await collect(store.list()))[0].turns).toBe(1);

    await rm(shard);
    await rename(`${shard}.aside`, shard);
    await store.update('web:1', appendTurn('web:1', createTurn('t3'))); // the retry works
    await store.close();
    const reopened = await createLowdbStore({ dir: tmp.dir });
    expect((await reopened.get('web:1'))!.turns.map((t) => t.id)).toEqual(['t1', 't3']);
    expect((await collect(reopened.list()))[0].turns).toBe(2);
    await reopened.close();
  });

  it('fails to open with colloquy_storage_open_failed when dir lies under a file', async () => {
    await writeFile(join(tmp.dir, 'file'), 'x');
    const err = await createLowdbStore({ dir: join(tmp.dir, 'file', 'conversations') }).catch((e: unknown) => e);
    expect(isColloquyError(err, 'storage_open_failed')).toBe(true);
  });

  it('stores hostile ids safely inside dir', async () => {
    const ids = ['../../etc/passwd', '/absolute/path', 'a/b\\c', 'nul\u0000byte', 'x'.repeat(10_000), '', '..', 'web:é✓'];
    const store = await createLowdbStore({ dir: join(tmp.dir, 'data') });
    for (const id of ids) await store.update(id, appendTurn(id, createTurn('t1', { text: `for ${id.slice(0, 20)}` })));
    for (const id of ids) expect((await store.get(id))!.id).toBe(id);
    await store.close();

    const everything = await listFiles(tmp.dir);
    for (const f of everything) expect(relative(join(tmp.dir, 'data'), f)).not.toMatch(/^\.\./);
    const names = everything.filter((f) => f.endsWith('.json')).map((f) => relative(tmp.dir, f));
    expect(names).toHaveLength(ids.length);
    for (const n of names) expect(n).toMatch(/^data\/c\/[0-9a-f]{2}\/[0-9a-f]{64}\.json$/);

    const reopened = await createLowdbStore({ dir: join(tmp.dir, 'data') });
    expect((await collect(reopened.list())).map((s) => s.id).sort()).toEqual([...ids].sort());
    await reopened.close();
  });

  it('keeps at most maxOpenFiles idle conversations open', async () => {
    const store = await createLowdbStore({ dir: tmp.dir, maxOpenFiles: 5, durable: false });
    await Promise.all(Array.from({ length: 40 }, (_, i) => store.update(`c${i}`, appendTurn(`c${i}`, createTurn('t')))));
    expect(store.openFiles).toBeLessThanOrEqual(5);
    for (let i = 0; i < 40; i++) expect((await store.get(`c${i}`))!.turns).toHaveLength(1);
    await store.close();
  });

  it('masks personal data in the log itself when redactLog is on', async () => {
    const store = await createLowdbStore({ dir: tmp.dir, redactLog: true });
    const text = 'mail me at ana@example.com or call +44 20 7946 0958';
    const stored = await store.update('web:1', appendTurn('web:1', createTurn('t1', { text })));
    expect(stored.turns[0].text).toBe('mail me at [email] or call [phone]');
    await store.close();
    expect(await readFile(store.fileFor('web:1'), 'utf8')).not.toContain('ana@example.com');
  });

  it('deletes a conversation: file and index entry', async () => {
    const store = await createLowdbStore({ dir: tmp.dir });
    await store.update('web:1', appendTurn('web:1', createTurn('t1')));
    expect(await store.delete('web:1')).toBe(true);
    expect(await store.delete('web:1')).toBe(false);
    await expect(stat(store.fileFor('web:1'))).rejects.toThrow(/ENOENT/);
    expect(await store.get('web:1')).toBeUndefined();
    await store.close();
    const reopened = await createLowdbStore({ dir: tmp.dir });
    expect(await collect(reopened.list())).toEqual([]);
    await reopened.close();
  });
});
