/**
 * `colloquy delete-user` and `colloquy retention` on a log no server holds:
 * they take the writer lock, delete, and print what they removed.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLowdbStore } from '../../src/storage/lowdb-store.ts';
import { acquireWriterLock } from '../../src/storage/writer-lock.ts';
import { DEFAULT_MODEL_DIR } from '../../src/config.ts';
import { runColloquy, STACK_TRACE, startColloquy } from '../helpers/cli.ts';
import { createRecord, createTempDir, createTurn } from '../storage/fixtures/records.ts';

let tmp: Awaited<ReturnType<typeof createTempDir>>;
beforeEach(async () => {
  tmp = await createTempDir();
  const store = await createLowdbStore({ dir: tmp.dir });
  await store.update('web:ana', () => createRecord('web:ana', { userId: 'ana', updatedAt: new Date().toISOString(), turns: [createTurn('1', { userId: 'ana', text: 'ana@example.com' }), createTurn('2', { speaker: 'bot' })] }));
  await store.update('web:old', () => createRecord('web:old', { userId: 'bo', updatedAt: '2020-01-01T00:00:00.000Z', turns: [createTurn('1', { userId: 'bo' })] }));
  await store.close();
});
afterEach(async () => { await tmp.remove(); });

describe('colloquy delete-user / retention', () => {
  it('delete-user removes the user and prints the counts', async () => {
    const run = await runColloquy(['delete-user', 'ana', '--data-dir', tmp.dir]);
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe('removed 1 conversation, 2 turns, 0 temp files, 0 moved-aside corrupt files');
    expect(run.code).toBe(0);
    expect(await readFile(join(tmp.dir, 'index.jsonl'), 'utf8')).not.toContain('ana');
  }, 60_000);

  it('retention --older-than 90d removes idle conversations', async () => {
    const run = await runColloquy(['retention', '--older-than', '90d', '--data-dir', tmp.dir]);
    expect(run.stdout.trim()).toBe('removed 1 conversation, 1 turn, 0 temp files, 0 moved-aside corrupt files');
    expect(run.code).toBe(0);
    expect(await readFile(join(tmp.dir, 'index.jsonl'), 'utf8')).not.toContain('web:old');
  }, 60_000);

  it('bad input is a usage error, never a stack trace', async () => {
    for (const args of [['delete-user'], ['delete-user', 'a', 'b'], ['retention'], ['retention', '--older-than', '90 days']]) {
      const run = await runColloquy([...args, '--data-dir', tmp.dir]);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toMatch(/^error: /);
      expect(run.stderr).not.toMatch(STACK_TRACE);
    }
    const missing = await runColloquy(['delete-user', 'ana', '--data-dir', join(tmp.dir, 'nope')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/No conversation log at/);
  }, 120_000);

  it('a log held by another command (not serve) is refused with a clear message', async () => {
    const release = await acquireWriterLock(tmp.dir, 'review');
    try {
      const run = await runColloquy(['delete-user', 'ana', '--data-dir', tmp.dir]);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/open for writing by `colloquy review`.*run the command again when it is done/);
    } finally {
      await release();
    }
  }, 60_000);

  it('goes through a running colloquy chat session, which holds the log', async () => {
    const chat = startColloquy(['chat', '--data-dir', tmp.dir, '--model', DEFAULT_MODEL_DIR, '--backend', 'wasm'], { COLLOQUY_LOG_LEVEL: 'info' });
    let err = '';
    chat.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
    const exited = new Promise((resolve) => chat.on('close', resolve));
    try {
      for (const end = Date.now() + 60_000; !/logging the conversation/.test(err); ) {
        if (Date.now() > end) throw new Error(`chat did not start: ${err}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const run = await runColloquy(['delete-user', 'ana', '--data-dir', tmp.dir]);
      expect(run.stdout.trim()).toMatch(/^removed 1 conversation, 2 turns, .*through the running colloquy chat, pid \d+\)$/);
      expect(run.code).toBe(0);
    } finally {
      chat.stdin!.end();
      await exited;
    }
    expect(await readFile(join(tmp.dir, 'index.jsonl'), 'utf8')).not.toContain('ana');
  }, 120_000);
});
