/**
 * One writing process per conversation log. The lowdb store keeps open
 * conversations and the index in memory, so a second process writing the same
 * directory (a terminal review while `colloquy serve` runs) would have its
 * changes overwritten by the first one's next write. Commands that write take
 * this lock; read-only ones (export, retrain, `review --list`) don't need it.
 * A lock left by a process that no longer runs is taken over.
 */
import { mkdir, open, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { ColloquyError } from '../errors.ts';
import { isProcessRunning } from '../util/process-alive.ts';

const LOCK_FILE = '.writer.lock';

/** Who holds a log's writer lock. */
export interface LockInfo {
  pid: number;
  command: string;
  since: string;
}

/** Takes the log's writer lock for `command`; resolves to the function that releases it. */
export async function acquireWriterLock(dir: string, command: string): Promise<() => Promise<void>> {
  await mkdir(dir, { recursive: true, mode: 0o700 }).catch((err) => { throw cannotWrite(dir, err); });
  const file = join(dir, LOCK_FILE);
  const mine: LockInfo = { pid: process.pid, command, since: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(file, 'wx', 0o600);
      try {
        await handle.writeFile(JSON.stringify(mine));
      } catch (err) {
        await handle.close();
        await unlink(file).catch(() => undefined);
        throw cannotWrite(dir, err);
      }
      await handle.close();
      return () => unlink(file).catch(() => undefined);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err instanceof ColloquyError ? err : cannotWrite(dir, err);
    }
    const holder = await readHolder(file);
    if (holder && holder.pid !== process.pid && isProcessRunning(holder.pid)) {
      throw new ColloquyError(
        'log_in_use',
        `The conversation log in ${dir} is open for writing by \`colloquy ${holder.command}\` (pid ${holder.pid}, since ${holder.since})`,
        holder.command === 'serve'
          ? 'Review on the running server\'s admin page (/admin), chat with --no-log or another --data-dir, or stop the server first.'
          : 'Wait for it to finish, or use another --data-dir.',
      );
    }
    await unlink(file).catch(() => undefined); // the holder is gone: take over
  }
  throw new ColloquyError('log_in_use', `Could not take the writer lock of ${dir}`, `Remove ${file} if no Colloquy process runs on this log.`);
}

/** A data directory that takes no writes (read-only, full, not a directory): a clear error, never a stack trace. */
function cannotWrite(dir: string, err: unknown): ColloquyError {
  const code = (err as NodeJS.ErrnoException).code;
  const why = code === 'ENOSPC' ? 'the disk is full' : code === 'EROFS' ? 'the file system is read-only' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'ENOTDIR' ? 'a part of the path is a file' : (code ?? String(err));
  return new ColloquyError('storage_open_failed', `Cannot write the conversation log in ${dir}: ${why}`, code === 'ENOSPC' ? 'Free some space, then start again.' : 'Pass --data-dir DIR with a writable directory, or fix its permissions.', { cause: err });
}

/**
 * The process holding the writer lock of `dir`, or undefined when no running process does.
 *
 * @example
 * if ((await writerLockHolder('conversations'))?.command === 'serve') handToServer();
 */
export async function writerLockHolder(dir: string): Promise<LockInfo | undefined> {
  const holder = await readHolder(join(dir, LOCK_FILE));
  return holder && isProcessRunning(holder.pid) ? holder : undefined;
}

async function readHolder(file: string): Promise<LockInfo | undefined> {
  try {
    const info = JSON.parse(await readFile(file, 'utf8')) as LockInfo;
    return Number.isInteger(info.pid) ? info : undefined;
  } catch {
    return undefined; // empty or half-written: treat as stale
  }
}
