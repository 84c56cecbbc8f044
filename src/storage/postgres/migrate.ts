/**
 * Schema migrations: `migrations/NNN_name.sql` in the repository, applied in
 * number order when an instance starts. The runner holds a PostgreSQL advisory
 * lock for the whole run, so instances starting together take turns (the
 * second finds everything applied), and applies every pending file in one
 * transaction with its row in `schema_migrations`: a failed file leaves the
 * database as it was. Numbers 001–099 belong to storage, 100+ to the cluster
 * features (model registry, instances); both go through this one runner.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type pg from 'pg';
import { PROJECT_ROOT } from '../../config.ts';
import { ColloquyError } from '../../errors.ts';
import { silentLogger, type Logger } from '../../logger.ts';
import { databaseError, inTransaction, type PgPool } from './pool.ts';

/** The migrations shipped with Colloquy. */
export const MIGRATIONS_DIR = join(PROJECT_ROOT, 'migrations');

/** The advisory lock's first key: "migrations" for any Colloquy schema (the second key is the schema's hash). */
const MIGRATION_LOCK_CLASS = 0x436f6c01;

const FILE_NAME = /^(\d{3})_([a-z0-9_]+)\.sql$/;

/** One migration file. */
export interface Migration {
  id: number;
  name: string;
  sql: string;
  checksum: string;
}

export interface RunMigrationsOptions {
  /** Default: the repository's migrations/. */
  dir?: string;
  logger?: Logger;
}

/** What a run did. */
export interface MigrationReport {
  /** Ids applied by this run, in order. */
  applied: number[];
  /** Ids already applied before (by this or another instance). */
  skipped: number[];
}

/** Reads `dir`'s migration files in number order; a badly named .sql file or a repeated number is an error. */
export async function readMigrations(dir: string = MIGRATIONS_DIR): Promise<Migration[]> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.sql')).sort();
  const migrations: Migration[] = [];
  for (const name of names) {
    const m = FILE_NAME.exec(name);
    if (!m) throw new ColloquyError('migration_invalid', `Migration file ${name} is not named NNN_name.sql`, 'Rename it, e.g. 002_channel_state.sql (three digits, lower-case name).');
    const id = Number(m[1]);
    if (migrations.some((x) => x.id === id)) throw new ColloquyError('migration_invalid', `Two migration files have the number ${m[1]}`, 'Give each migration its own number.');
    const sql = await readFile(join(dir, name), 'utf8');
    migrations.push({ id, name: m[2]!, sql, checksum: createHash('sha256').update(sql).digest('hex') });
  }
  return migrations;
}

/**
 * Brings the pool's schema up to date: creates the schema when missing and
 * applies every migration not yet recorded in `schema_migrations`.
 *
 * @example
 * const pool = createPgPool(env.database);
 * const { applied } = await runMigrations(pool, { logger });
 */
export async function runMigrations(pool: PgPool, { dir = MIGRATIONS_DIR, logger = silentLogger }: RunMigrationsOptions = {}): Promise<MigrationReport> {
  const migrations = await readMigrations(dir);
  let report: MigrationReport;
  try {
    report = await inTransaction(pool, async (client) => {
      // held until COMMIT/ROLLBACK, and released by the server if this process dies; an instance waits as long as another migrates
      await client.query('SET LOCAL lock_timeout = 0');
      await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [MIGRATION_LOCK_CLASS, pool.schema]);
      return applyPending(client, pool.schema, migrations, logger);
    });
  } catch (err) {
    throw databaseError(`migrate schema ${pool.schema}`, err);
  }
  if (report.applied.length) logger.info('database migrated', { schema: pool.schema, applied: report.applied });
  return report;
}

/** Creates the schema and the migrations table when missing, then applies what `schema_migrations` lacks (inside the caller's transaction). */
async function applyPending(client: pg.PoolClient, schema: string, migrations: Migration[], logger: Logger): Promise<MigrationReport> {
  await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
    id integer PRIMARY KEY,
    name text NOT NULL,
    checksum text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);
  const { rows } = await client.query<{ id: number; checksum: string }>('SELECT id, checksum FROM schema_migrations');
  const done = new Map(rows.map((r) => [r.id, r.checksum]));
  const report: MigrationReport = { applied: [], skipped: [] };
  for (const m of migrations) {
    const checksum = done.get(m.id);
    if (checksum !== undefined) {
      if (checksum !== m.checksum) logger.warn('an applied migration file has changed since; the change is not applied (add a new migration instead)', { migration: `${m.id}_${m.name}` });
      report.skipped.push(m.id);
      continue;
    }
    try {
      await client.query(m.sql);
    } catch (err) {
      throw databaseError(`apply migration ${String(m.id).padStart(3, '0')}_${m.name}`, err);
    }
    await client.query('INSERT INTO schema_migrations (id, name, checksum) VALUES ($1, $2, $3)', [m.id, m.name, m.checksum]);
    report.applied.push(m.id);
  }
  const newer = [...done.keys()].filter((id) => !migrations.some((m) => m.id === id));
  if (newer.length) logger.info('the database has migrations this version does not know (a newer instance applied them)', { migrations: newer });
  return report;
}
