import { stat } from 'node:fs/promises';
import { readDatabaseConfig } from '../../config.ts';
import { ColloquyError } from '../../errors.ts';
import { copyRegistryToDatabase } from '../../registry/database/copy.ts';
import { copyConversations } from '../../storage/copy-store.ts';
import { createLowdbStore } from '../../storage/lowdb-store.ts';
import { openDatabase } from '../../storage/postgres/open.ts';
import { createPostgresStore } from '../../storage/postgres/postgres-store.ts';
import { acquireWriterLock } from '../../storage/writer-lock.ts';
import { parseFlags } from '../args.ts';
import type { CliContext } from '../context.ts';
import { logDirOf } from './log-dir.ts';

export const STORE_USAGE = `colloquy store migrate [--to URL] [--schema NAME] [--data-dir DIR] [--models-dir DIR]
  copies the lowdb conversation log (and the channels' state) and the model registry (every
  version with its files, and the promotion history) into PostgreSQL, so several instances
  can share them; run it with the server stopped. Running it again copies only what is
  missing: nothing is doubled
  --to URL             the database (default: $COLLOQUY_DATABASE_URL)
  --schema NAME        the schema (default: $COLLOQUY_DATABASE_SCHEMA or colloquy)
  --data-dir DIR       the lowdb log to copy (default: conversations/)
  --models-dir DIR     the model registry to copy (default: $COLLOQUY_MODELS_DIR or models/)`;

/** The flags `colloquy store` accepts (its --help lists each). */
export const STORE_FLAGS = { to: { type: 'string' }, schema: { type: 'string' }, 'data-dir': { type: 'string' }, 'models-dir': { type: 'string' } } as const;

/** `colloquy store migrate`: lowdb → PostgreSQL, idempotent. */
export async function storeCommand(argv: string[], ctx: CliContext): Promise<void> {
  const [sub, ...rest] = argv;
  if (sub !== 'migrate') throw new ColloquyError('usage', sub ? `Unknown store command "${sub}"` : 'colloquy store needs a command', 'Use colloquy store migrate --to postgres://user@host:5432/db');
  const f = parseFlags(rest, STORE_FLAGS);
  const url = (f.to as string | undefined) ?? ctx.env.database?.url;
  if (!url) throw new ColloquyError('usage', 'colloquy store migrate needs --to URL (or COLLOQUY_DATABASE_URL)', 'Example: colloquy store migrate --to postgres://colloquy@db:5432/colloquy');
  const database = readDatabaseConfig({ COLLOQUY_DATABASE_URL: url, COLLOQUY_DATABASE_SCHEMA: (f.schema as string | undefined) ?? ctx.env.database?.schema })!;

  const dir = logDirOf(f['data-dir']);
  if (!(await stat(dir).then((s) => s.isDirectory(), () => false))) throw new ColloquyError('data_dir_missing', `No conversation log at ${dir}`, 'Pass --data-dir DIR: the directory `colloquy serve` logged to.');
  const release = await acquireWriterLock(dir, 'store migrate');
  try {
    const source = await createLowdbStore({ dir, logger: ctx.logger });
    try {
      const target = await createPostgresStore({ pool: await openDatabase(database, { logger: ctx.logger }), logger: ctx.logger });
      try {
        const r = await copyConversations(source, target, { channelState: source.channelStateEntries(), logger: ctx.logger });
        ctx.print(`Conversations: ${r.copied} copied, ${r.merged} completed with missing turns, ${r.unchanged} already there (${r.turns} turns written); ${r.channelState} channel state entries copied → schema ${database.schema}.`);
        const modelsDir = (f['models-dir'] as string | undefined) ?? ctx.env.modelsDir;
        const m = await copyRegistryToDatabase(target.pool, modelsDir);
        ctx.print(`Model registry: ${m.added.length} versions copied${m.added.length ? ` (${m.added.join(', ')})` : ''}, ${m.present.length} already there; ${m.events} promotion events copied from ${modelsDir}.`);
      } finally {
        await target.close();
      }
    } finally {
      await source.close();
    }
  } finally {
    await release();
  }
}
