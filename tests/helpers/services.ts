/**
 * What database tests need: whether to run (see tests/setup/services.ts),
 * and a schema of their own on the shared test database, dropped afterwards,
 * so test files and other people's runs never collide.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { createPgPool, type PgPool } from '../../src/storage/postgres/pool.ts';

const services = inject('services');

/** The shared test database's URL. */
export const testDatabaseUrl = services.databaseUrl;
/** The shared test Redis's URL. */
export const testRedisUrl = services.redisUrl;
/** True when PostgreSQL suites must be skipped (unreachable, and not CI). */
export const withoutDatabase = !services.database && !services.ci;
/** True when Redis suites must be skipped (unreachable, and not CI). */
export const withoutRedis = !services.redis && !services.ci;

/** A fresh schema name: `t_<label>_<random>` (lower-case, at most 63 characters). */
export function uniqueSchema(label: string): string {
  return `t_${label.toLowerCase().replace(/[^a-z0-9_]/g, '_').slice(0, 40)}_${randomBytes(4).toString('hex')}`;
}

/** Drops `schema` and all it holds. */
export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: testDatabaseUrl });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}

/** A pool on the test database working in a new schema of its own; `drop()` ends it and removes the schema. */
export function createTestPool(label: string, max = 5): PgPool & { drop(): Promise<void> } {
  const schema = uniqueSchema(label);
  const pool = createPgPool({ url: testDatabaseUrl, schema, max });
  return Object.assign(pool, {
    async drop() {
      await pool.end().catch(() => undefined);
      await dropSchema(schema);
    },
  });
}
