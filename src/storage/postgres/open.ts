/**
 * Opening the shared database as `colloquy serve` and the CLI do: one pool,
 * migrated to this version's schema before anything uses it.
 */
import type { DatabaseEnvConfig } from '../../config.ts';
import type { Logger } from '../../logger.ts';
import { runMigrations } from './migrate.ts';
import { createPgPool, type PgPool, type PgPoolOptions } from './pool.ts';

/**
 * A pool on the configured database with every migration applied (under the
 * migration lock, so instances starting together are safe). Close it with `pool.end()`.
 *
 * @example
 * const pool = await openDatabase(env.database, { logger });
 * const store = await createPostgresStore({ pool, logger });
 */
export async function openDatabase(config: DatabaseEnvConfig, { logger, ...rest }: Omit<PgPoolOptions, 'url' | 'schema'> & { logger?: Logger } = {}): Promise<PgPool> {
  const pool = createPgPool({ ...config, ...rest, ...(logger ? { logger } : {}) });
  try {
    await runMigrations(pool, logger ? { logger } : {});
    return pool;
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw err;
  }
}
