import { spawnSync } from 'node:child_process';
import { mkdir, readFile, readdir, utimes, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../src/engine/memory-store.ts';
import { createLowdbStore } from '../../src/storage/lowdb-store.ts';
import { createRecord, createTempDir, createTurn } from './fixtures/records.ts';
import { describeDeletionContract } from './deletion-suite.ts';

let tmp: Awaited<ReturnType<typeof createTempDir>>;
beforeEach(async () => { tmp = await createTempDir(); });
afterEach(async () => { await tmp.remove(); });

describeDeletionContract('memory store', async () => createMemoryStore());
describeDeletionContract('lowdb store', () => createLowdbStore({ dir: tmp.dir }));

/** A pid that no longer runs: the process of a crash. */
const deadPid = (): number => spawnSync(process.execPath, ['-e', '0']).pid!;

/** Every file under `dir`, as paths relative to it. */
async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) if (e.isFile()) out.push(join(e.parentPath, e.name).slice(dir.length + 1));
  return out.sort();
}

describe('lowdb store: no copy left behind', () => {
  it('index lines of conversations removed by retention are compacted away (issue 17 #7)', async () => {
    const store = await createLowdbStore({ dir: tmp.dir });
    await store.update('old-conv', () => createRecord('old-conv', { userId: 'old-user', updatedAt: '2020-01-01T00:00:00.000Z' }));
    await store.update('new-conv', () => createRecord('new-conv', { updatedAt: new Date().toISOString() }));
    expect(await store.deleteOlderThan(new Date('2021-01-01'))).toMatchObject({ conversations: 1 });
    await store.close();
    const index = await readFile(join(tmp.dir, 'index.jsonl'), 'utf8');
    expect(index).not.toContain('old-conv');
    expect(index).not.toContain('old-user');
    expect(index).toContain('new-conv');
  });

  it("deleteUser's index has no line about the user and corrupt copies that mention them are removed", async () => {
    const store = await createLowdbStore({ dir: tmp.dir });
    await store.update('web:1', () => createRecord('web:1', { userId: 'u1' }));
    await store.close();
    await writeFile(store.fileFor('web:1'), JSON.stringify(createRecord('web:1', { userId: 'u1' })).slice(0, 60));
    const reopened = await createLowdbStore({ dir: tmp.dir });
    expect(await reopened.get('web:1')).toBeUndefined(); // moved to corrupt/
    expect(await reopened.deleteUser('u1')).toMatchObject({ conversations: 0, turns: 0, corruptFiles: 1 });
    await reopened.close();
    expect(await readFile(join(tmp.dir, 'index.jsonl'), 'utf8')).not.toContain('u1');
  });

  it('temp files left by a crashed writer are removed at open (issue 17 #2)', async () => {
    const store = await createLowdbStore({ dir: tmp.dir });
    await store.update('web:1', () => createRecord('web:1', { userId: 'u1', turns: [createTurn('1', { text: 'card 4111 1111 1111 1111' })] }));
    await store.close();
    const file = store.fileFor('web:1');
    const orphan = join(dirname(file), `.${basename(file)}.${deadPid()}.3.tmp`);
    await writeFile(orphan, await readFile(file, 'utf8'));
    const compaction = join(tmp.dir, `index.jsonl.${deadPid()}.compact.tmp`);
    await writeFile(compaction, '{"put":{"id":"web:1","userId":"u1"}}\n');

    const reopened = await createLowdbStore({ dir: tmp.dir });
    expect(await filesUnder(tmp.dir)).not.toContain(orphan.slice(tmp.dir.length + 1));
    expect(await filesUnder(tmp.dir)).not.toContain(basename(compaction));
    await reopened.close();
  });

  it("deleteUser removes a crashed writer's temp file of the user's conversation (issue 17 #2)", async () => {
    const store = await createLowdbStore({ dir: tmp.dir });
    await store.update('web:1', () => createRecord('web:1', { userId: 'u1', turns: [createTurn('1', { text: 'my IBAN DE89 3704 0044 0532 0130 00' })] }));
    await store.update('web:2', () => createRecord('web:2', { userId: 'u2' }));
    // another process died mid-write while this store is open
    const file = store.fileFor('web:1');
    await writeFile(join(dirname(file), `.${basename(file)}.${deadPid()}.1.tmp`), await readFile(file, 'utf8'));

    expect(await store.deleteUser('u1')).toMatchObject({ conversations: 1, turns: 1, tempFiles: 1 });
    await store.close();
    const left = await filesUnder(tmp.dir);
    expect(left.filter((f) => f.startsWith('c/'))).toEqual([store.fileFor('web:2').slice(tmp.dir.length + 1)]);
    for (const f of left) expect(await readFile(join(tmp.dir, f), 'utf8')).not.toMatch(/u1|DE89/);
  });

  it('retention also removes moved-aside corrupt files older than the cutoff', async () => {
    await mkdir(join(tmp.dir, 'corrupt'), { recursive: true });
    const old = join(tmp.dir, 'corrupt', 'abc.2020.json');
    await writeFile(old, '{"id":"x", "turns":[');
    await utimes(old, new Date('2020-01-01'), new Date('2020-01-01'));
    await writeFile(join(tmp.dir, 'corrupt', 'def.now.json'), '{');
    const store = await createLowdbStore({ dir: tmp.dir });
    expect(await store.deleteOlderThan(new Date('2021-01-01'))).toMatchObject({ conversations: 0, corruptFiles: 1 });
    await store.close();
    expect(await readdir(join(tmp.dir, 'corrupt'))).toEqual(['def.now.json']);
  });
});
