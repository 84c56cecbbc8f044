/**
 * The one way Colloquy connects to PostgreSQL: a `pg` pool whose connections
 * all work in Colloquy's schema (search_path), so the SQL in migrations/ and
 * in the stores names tables without a schema, and tests can use a schema of
 * their own on a shared database.
 */
import pg from 'pg';
import { isSqlName, type DatabaseEnvConfig } from '../../config.ts';
import { ColloquyError } from '../../errors.ts';
import { silentLogger, type Logger } from '../../logger.ts';

/**
 * Options of `createPgPool`.
 *
 * @example
 * const opts: PgPoolOptions = { url: env.database.url, schema: env.database.schema, logger, max: 10 };
 */
export interface PgPoolOptions extends DatabaseEnvConfig {
  logger?: Logger;
  /** Connections at most (default 10). Each conversation being answered holds one while it runs. */
  max?: number;
  /** How long to wait for a connection before failing (ms, default 10 000). */
  connectTimeoutMs?: number;
  /** Shown in pg_stat_activity (default `colloquy`). */
  applicationName?: string;
  /**
   * Longest wait for a lock, such as a conversation another instance is
   * answering (ms, default 30 000): past it, that one message fails politely
   * instead of holding a connection for as long as the other instance is stuck.
   */
  lockTimeoutMs?: number;
}

/** A pool that knows its schema. */
export interface PgPool extends pg.Pool {
  readonly schema: string;
}

/**
 * Opens a pool on `url` working in `schema`. No connection is made until the
 * first query; a connection that breaks while idle is logged and replaced,
 * never fatal (pg's pool would otherwise crash the process with an `error` event).
 *
 * @example
 * const pool = createPgPool({ url: 'postgres://postgres@127.0.0.1:5432/test', schema: 'colloquy', logger });
 * await runMigrations(pool, { logger });
 * const { rows } = await pool.query('SELECT count(*) FROM conversations');
 * await pool.end();
 */
export function createPgPool({ url, schema, logger = silentLogger, max = 10, connectTimeoutMs = 10_000, applicationName = 'colloquy', lockTimeoutMs = 30_000 }: PgPoolOptions): PgPool {
  if (!isSqlName(schema)) throw new ColloquyError('config_invalid', `Not a usable schema name: ${JSON.stringify(schema)}`, 'Use lower-case letters, digits and _.');
  const pool = new pg.Pool({
    connectionString: url,
    max,
    connectionTimeoutMillis: connectTimeoutMs,
    application_name: applicationName,
    // every connection resolves unqualified names in Colloquy's schema (public stays visible for extensions)
    options: `-c search_path=${schema},public -c lock_timeout=${Math.max(0, Math.round(lockTimeoutMs))}`,
  });
  pool.on('error', (err) => logger.warn('an idle database connection failed; it is replaced on next use', { error: err.message }));
  return Object.assign(pool, { schema });
}

/** Runs `fn` on one connection of `pool` inside BEGIN/COMMIT (ROLLBACK when it throws). */
export async function inTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    return await onClientInTransaction(client, () => fn(client), (rollbackErr) => { broken = rollbackErr; });
  } finally {
    client.release(broken); // a connection that could not roll back is closed, not reused
  }
}

/** Runs `fn` inside BEGIN/COMMIT on a connection the caller holds (ROLLBACK when it throws; `onRollbackFailed` hears when that fails too). */
export async function onClientInTransaction<T>(client: pg.PoolClient, fn: () => Promise<T>, onRollbackFailed: (err: Error) => void = () => undefined): Promise<T> {
  await client.query('BEGIN');
  try {
    const result = await fn();
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(onRollbackFailed);
    throw err;
  }
}

/**
 * The error a store throws when the database fails: a stable code, what was
 * being done, and a hint; the driver's error stays as `cause`.
 */
export function databaseError(what: string, err: unknown): ColloquyError {
  if (err instanceof ColloquyError) return err;
  const pgCode = (err as { code?: string }).code;
  if (pgCode === '55P03') {
    const e = new ColloquyError('database_failed', `Could not ${what}: it stayed locked past the lock timeout (another instance is still working on it)`, 'Retry in a moment; if it persists, look for a stuck instance. Nothing already stored was lost.');
    e.cause = err;
    return e;
  }
  const unreachable = pgCode === 'ECONNREFUSED' || pgCode === 'ENOTFOUND' || pgCode === '57P01' || /timeout|terminat|Connection/i.test((err as Error)?.message ?? '');
  const e = new ColloquyError(
    'database_failed',
    `Could not ${what} (${pgCode ? `${pgCode}: ` : ''}${(err as Error)?.message ?? String(err)})`,
    unreachable ? 'Check that PostgreSQL runs and COLLOQUY_DATABASE_URL points at it; nothing already stored was lost.' : 'Nothing already stored was lost; retry, and report the error if it persists.',
  );
  e.cause = err;
  return e;
}
