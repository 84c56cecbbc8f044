import { stat } from 'node:fs/promises';
import { DEFAULT_DATA_DIR } from '../../config.ts';
import { ColloquyError } from '../../errors.ts';
import { createLowdbStore } from '../../storage/lowdb-store.ts';
import type { ConversationStore } from '../../storage/types.ts';
import type { CliContext } from '../context.ts';

/**
 * Opens the conversation log of `--data-dir` (default `conversations/`) for a
 * command that reads it: a missing directory is an error (a typo would
 * otherwise show an empty log), not created.
 *
 * @example
 * const store = await openExistingLog(flags['data-dir'], ctx);
 */
export async function openExistingLog(dirFlag: unknown, ctx: CliContext): Promise<ConversationStore> {
  const dir = typeof dirFlag === 'string' && dirFlag ? dirFlag : DEFAULT_DATA_DIR;
  const isDir = await stat(dir).then((s) => s.isDirectory(), () => false);
  if (!isDir) throw new ColloquyError('data_dir_missing', `No conversation log at ${dir}`, 'Pass --data-dir DIR: the directory `colloquy serve` or `colloquy chat` log to.');
  return createLowdbStore({ dir, logger: ctx.logger });
}
