/**
 * Temp files of the store's atomic writes: `.<file>.<pid>.<seq>.tmp` beside
 * the file they replace. One left behind by a crash holds a whole
 * conversation, so the store removes them at open and when it deletes.
 */
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
