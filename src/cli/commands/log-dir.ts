import { stat } from 'node:fs/promises';
import { DEFAULT_DATA_DIR } from '../../config.ts';
import { ColloquyError } from '../../errors.ts';
import { createLowdbStore } from '../../storage/lowdb-store.ts';
import { openDatabase } from '../../storage/postgres/open.ts';
import { createPostgresStore, type PostgresStoreExtras } from '../../storage/postgres/postgres-store.ts';
import type { ConversationStore } from '../../storage/types.ts';
import { acquireWriterLock } from '../../storage/writer-lock.ts';
import type { CliContext } from '../context.ts';

/** The `--data-dir` flag's value, or the default log directory. */
export const logDirOf = (dirFlag: unknown): string => (typeof dirFlag === 'string' && dirFlag ? dirFlag : DEFAULT_DATA_DIR);

/**
 * Opens the conversation log of `--data-dir` (default `conversations/`) for a
 * command that reads it: a missing directory is an error (a typo would
 * otherwise show an empty log), not created. With `writer`, the command also
 * takes the log's writer lock (see storage/writer-lock.ts), released on close.
 *
 * @example
 * const store = await openExistingLog(flags['data-dir'], ctx);
 */
export async function openExistingLog(dirFlag: unknown, ctx: CliContext, writer?: string): Promise<ConversationStore> {
  if (ctx.env.database) return openSharedLog(ctx);
  const dir = logDirOf(dirFlag);
  const isDir = await stat(dir).then((s) => s.isDirectory(), () => false);
  if (!isDir) throw new ColloquyError('data_dir_missing', `No conversation log at ${dir}`, 'Pass --data-dir DIR: the directory `colloquy serve` or `colloquy chat` log to.');
  return writer ? openLogForWriting(dir, writer, ctx) : createLowdbStore({ dir, logger: ctx.logger, groupReadable: ctx.env.fileAccess === 'group' });
}

/**
 * Opens (creating it when missing) the log a command writes, holding the writer lock until the store is closed.
 * With COLLOQUY_DATABASE_URL set, the log is the database's instead: shared, and no lock is needed.
 */
export async function openLogForWriting(dir: string, command: string, ctx: CliContext): Promise<ConversationStore & Partial<PostgresStoreExtras>> {
  if (ctx.env.database) return openSharedLog(ctx);
  const release = await acquireWriterLock(dir, command);
  try {
    const store = await createLowdbStore({ dir, logger: ctx.logger, groupReadable: ctx.env.fileAccess === 'group' });
    return { ...bind(store), close: () => store.close().finally(release) };
  } catch (err) {
    await release();
    throw err;
  }
}

/** The conversation log in the configured database (migrated to this version first). */
async function openSharedLog(ctx: CliContext): Promise<ConversationStore & PostgresStoreExtras> {
  const pool = await openDatabase(ctx.env.database!, { logger: ctx.logger, max: 20 });
  ctx.logger.info('conversations are in PostgreSQL', { schema: pool.schema });
  return createPostgresStore({ pool, logger: ctx.logger });
}

/** The store's methods, bound, so they can be spread into a wrapper. */
function bind(store: ConversationStore): ConversationStore {
  return {
    get: store.get.bind(store), update: store.update.bind(store), list: store.list.bind(store), delete: store.delete.bind(store),
    deleteUser: store.deleteUser.bind(store), deleteOlderThan: store.deleteOlderThan.bind(store),
    getChannelState: store.getChannelState.bind(store), setChannelState: store.setChannelState.bind(store), close: store.close.bind(store),
  };
}
