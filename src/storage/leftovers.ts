/**
 * What the lowdb store keeps beside the conversation files that must not
 * outlive them: temp files of its atomic writes (`.<file>.<pid>.<seq>.tmp`;
 * one left by a crash holds a whole conversation) and unreadable files moved
 * to `corrupt/`. Removed at open and when deleting. Also: closing a data
 * directory that others can read.
 */
import { chmod, readFile, readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../logger.ts';
import { isProcessRunning } from '../util/process-alive.ts';

const TEMP_NAME = /^\.(.+)\.(\d+)\.\d+\.tmp$/;

/** The temp file name for a write of `file` (a base name) by this process. */
export function tempNameFor(file: string, seq: number): string {
  return `.${file}.${process.pid}.${seq}.tmp`;
}

/**
 * True when the temp file `name` will never be renamed into place: its process
 * is gone, or it is this process's and `ownDone(file)` says that write is over.
 * Temp files of another running process are left alone.
 *
 * @example
 * isOrphanTemp('.3f9a….json.4242.7.tmp', () => false); // true when pid 4242 no longer runs
 */
export function isOrphanTemp(name: string, ownDone: (file: string) => boolean): boolean {
  if (!name.endsWith('.tmp')) return false;
  const m = TEMP_NAME.exec(name);
  if (!m) return true; // not ours to wait for: nothing renames it
  const pid = Number(m[2]);
  if (pid === process.pid) return ownDone(m[1]);
  return !isProcessRunning(pid);
}

/**
 * The leftovers of one store: `filesDir` (shards of conversation files) and `corruptDir`.
 *
 * @example
 * const leftovers = createLeftovers({ filesDir, corruptDir, logger });
 * await leftovers.removeTempFiles(); // at open: a crash's temp files
 */
export function createLeftovers({ filesDir, corruptDir, logger }: { filesDir: string; corruptDir: string; logger: Logger }) {
  let tempFilesRemoved = 0;
  return {
    /** Temp files removed since the store opened (a deletion reports its share). */
    get tempFilesRemoved() { return tempFilesRemoved; },

    /** Removes the orphan temp files (see `isOrphanTemp`) in `shards` (default all); returns how many. */
    async removeTempFiles(shards?: string[], ownDone: (file: string) => boolean = () => false): Promise<number> {
      let removed = 0;
      for (const shard of shards ?? await readdir(filesDir).catch(() => [] as string[])) {
        for (const name of await readdir(join(filesDir, shard)).catch(() => [] as string[])) {
          if (isOrphanTemp(name, ownDone)) removed += await unlink(join(filesDir, shard, name)).then(() => 1, () => 0);
        }
      }
      if (removed > 0) logger.info('removed temp files left by interrupted writes', { dir: filesDir, files: removed });
      tempFilesRemoved += removed;
      return removed;
    },

    /** Removes the files moved aside as unreadable that `match` picks (by raw text or last change); returns how many. */
    async purgeCorrupt(match: (text: string, mtimeMs: number) => boolean): Promise<number> {
      let removed = 0;
      for (const name of await readdir(corruptDir).catch(() => [] as string[])) {
        const file = join(corruptDir, name);
        const [text, info] = await Promise.all([readFile(file, 'utf8').catch(() => ''), stat(file).catch(() => undefined)]);
        if (info && match(text, info.mtimeMs)) removed += await unlink(file).then(() => 1);
      }
      return removed;
    },
  };
}

/**
 * Takes the group's and others' access away from a data directory that grants
 * more than `mode` (one created before, 0755): without search permission on
 * it, nothing inside can be read by them.
 */
export async function closeToOthers(dir: string, mode: number, logger: Logger): Promise<void> {
  const info = await stat(dir).catch(() => undefined);
  if (!info || (info.mode & 0o777 & ~mode) === 0 || (process.getuid && info.uid !== process.getuid())) return;
  await chmod(dir, info.mode & mode & 0o777).then(
    () => logger.info('the conversation log was readable by others; it is owner-only now (COLLOQUY_FILE_ACCESS=group lets the group read it)', { dir, mode: (info.mode & mode & 0o777).toString(8) }),
    (err) => logger.warn('the conversation log is readable by others and could not be closed', { dir, error: String(err) }),
  );
}
