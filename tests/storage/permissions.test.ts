/**
 * Issue 17 #6: the data directory was 755 and conversation files, index.jsonl
 * and exports 644. What Colloquy writes is owner-only unless configured.
 */
import { chmod, mkdir, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLowdbStore } from '../../src/storage/lowdb-store.ts';
import { runColloquy } from '../helpers/cli.ts';
import { createRecord, createTempDir, createTurn } from './fixtures/records.ts';

let tmp: Awaited<ReturnType<typeof createTempDir>>;
beforeEach(async () => { tmp = await createTempDir(); });
afterEach(async () => { await tmp.remove(); });

const modeOf = async (path: string) => (await stat(path)).mode & 0o777;

/** Every file and directory under `dir` with its mode. */
async function modes(dir: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) out.set(join(e.parentPath, e.name).slice(dir.length + 1), await modeOf(join(e.parentPath, e.name)));
  return out;
}

async function writeOne(dir: string, groupReadable = false): Promise<void> {
  const store = await createLowdbStore({ dir, groupReadable });
  await store.update('web:1', () => createRecord('web:1', { turns: [createTurn('1', { text: 'my card 4111 1111 1111 1111' }), createTurn('2', { speaker: 'bot', text: 'Thanks, noted.' })] }));
  await store.close();
}

describe('permissions of the conversation log', () => {
  it('directories are 0700 and files 0600 by default', async () => {
    const dir = join(tmp.dir, 'log');
    await writeOne(dir);
    expect(await modeOf(dir)).toBe(0o700);
    const all = await modes(dir);
    expect(all.size).toBeGreaterThanOrEqual(4); // c/, its shard, the conversation file, index.jsonl
    for (const [path, mode] of all) expect(mode & 0o077, `${path} is ${mode.toString(8)}`).toBe(0);
  });

  it('a data directory created world-readable before is closed to others at open', async () => {
    const dir = join(tmp.dir, 'old');
    await mkdir(dir);
    await chmod(dir, 0o755);
    await writeOne(dir);
    expect(await modeOf(dir)).toBe(0o700);
  });

  it('with group access configured, the group may read', async () => {
    const dir = join(tmp.dir, 'shared');
    await writeOne(dir, true);
    expect(await modeOf(dir)).toBe(0o750);
    expect(await modeOf(join(dir, 'index.jsonl'))).toBe(0o640);
  });

  it('colloquy export writes an owner-only file, and COLLOQUY_FILE_ACCESS=group a group-readable one', async () => {
    const dir = join(tmp.dir, 'log');
    await writeOne(dir);
    const out = join(tmp.dir, 'export', 'train.jsonl');
    const run = await runColloquy(['export', '--out', out, '--include-unreviewed', '--data-dir', dir]);
    expect(run.code, run.stderr).toBe(0);
    expect(await modeOf(out)).toBe(0o600);
    const shared = join(tmp.dir, 'export', 'shared.jsonl');
    expect((await runColloquy(['export', '--out', shared, '--include-unreviewed', '--data-dir', dir], { env: { COLLOQUY_FILE_ACCESS: 'group' } })).code).toBe(0);
    expect(await modeOf(shared)).toBe(0o640);
    const bad = await runColloquy(['export', '--out', shared, '--data-dir', dir], { env: { COLLOQUY_FILE_ACCESS: 'everyone' } });
    expect(bad.stderr).toMatch(/COLLOQUY_FILE_ACCESS must be "owner" or "group"/);
  }, 120_000);
});
