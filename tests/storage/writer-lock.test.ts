import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireWriterLock } from '../../src/storage/writer-lock.ts';
import type { ColloquyError } from '../../src/errors.ts';
import { rejectionOf } from '../helpers/errors.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'colloquy-lock-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const lockFile = () => join(dir, '.writer.lock');

describe('writer lock of a conversation log', () => {
  it('is refused while another running process holds it, naming that command', async () => {
    const other = spawn('sleep', ['30']);
    try {
      await writeFile(lockFile(), JSON.stringify({ pid: other.pid, command: 'serve', since: '2026-01-01T00:00:00.000Z' }));
      const err = (await rejectionOf(acquireWriterLock(dir, 'review'))) as ColloquyError;
      expect(err.code).toBe('colloquy_log_in_use');
      expect(err.message).toContain('colloquy serve');
      expect(err.message).toContain(String(other.pid));
      expect(err.hint).toMatch(/admin page/);
      // the holder's lock is left as it was
      expect(JSON.parse(await readFile(lockFile(), 'utf8')).pid).toBe(other.pid);
    } finally {
      other.kill();
    }
  });

  it('takes over a lock left by a process that no longer runs, or an unreadable one', async () => {
    const gone = spawnSync('true').pid;
    await writeFile(lockFile(), JSON.stringify({ pid: gone, command: 'serve', since: '2026-01-01T00:00:00.000Z' }));
    const release = await acquireWriterLock(dir, 'chat');
    expect(JSON.parse(await readFile(lockFile(), 'utf8'))).toMatchObject({ pid: process.pid, command: 'chat' });
    await release();
    await writeFile(lockFile(), '{"pid": 12');
    await (await acquireWriterLock(dir, 'chat'))();
  });

  it('is released on close, so the next writer gets it', async () => {
    const release = await acquireWriterLock(dir, 'serve');
    await release();
    await expect(stat(lockFile())).rejects.toMatchObject({ code: 'ENOENT' });
    await (await acquireWriterLock(dir, 'review'))();
  });
});
