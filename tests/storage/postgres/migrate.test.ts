import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readMigrations, runMigrations } from '../../../src/storage/postgres/migrate.ts';
import { createPgPool, type PgPool } from '../../../src/storage/postgres/pool.ts';
import { dropSchema, testDatabaseUrl, uniqueSchema, withoutDatabase } from '../../helpers/services.ts';

describe.skipIf(withoutDatabase)('migrations on PostgreSQL', () => {
  const pools: PgPool[] = [];
  const schemas = new Set<string>();
  const dirs: string[] = [];
  const poolOn = (schema: string): PgPool => {
    schemas.add(schema);
    const pool = createPgPool({ url: testDatabaseUrl, schema, max: 2 });
    pools.push(pool);
    return pool;
  };
  const migrationsDir = async (files: Record<string, string>): Promise<string> => {
    const dir = await mkdtemp(join(tmpdir(), 'colloquy-migrations-'));
    dirs.push(dir);
    for (const [name, sql] of Object.entries(files)) await writeFile(join(dir, name), sql);
    return dir;
  };

  afterEach(async () => {
    await Promise.all(pools.splice(0).map((p) => p.end()));
    for (const s of schemas) await dropSchema(s);
    schemas.clear();
    await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
  });

  it('creates the schema and applies the shipped migrations once; a second run applies nothing', async () => {
    const pool = poolOn(uniqueSchema('migrate'));
    const shipped = (await readMigrations()).map((m) => m.id);
    expect(shipped).toEqual(expect.arrayContaining([1, 2]));

    const first = await runMigrations(pool);
    expect(first.applied).toEqual(shipped);
    const { rows } = await pool.query('SELECT id FROM schema_migrations ORDER BY id');
    expect(rows.map((r) => r.id)).toEqual(shipped);
    await pool.query(`INSERT INTO channel_state (key, value) VALUES ('k', '{"a":1}')`); // the tables are there

    const second = await runMigrations(pool);
    expect(second).toEqual({ applied: [], skipped: shipped });
  });

  it('two instances starting together apply each migration exactly once', async () => {
    const schema = uniqueSchema('race');
    const [a, b, c] = [poolOn(schema), poolOn(schema), poolOn(schema)];
    const reports = await Promise.all([runMigrations(a), runMigrations(b), runMigrations(c)]);
    const shipped = (await readMigrations()).map((m) => m.id);
    expect(reports.flatMap((r) => r.applied).sort((x, y) => x - y)).toEqual(shipped);
    const { rows } = await a.query('SELECT count(*)::int AS n FROM schema_migrations');
    expect(rows[0].n).toBe(shipped.length);
  });

  it('a failing migration leaves the database as it was and names the file', async () => {
    const dir = await migrationsDir({
      '001_ok.sql': 'CREATE TABLE t_ok (id int);',
      '002_broken.sql': 'CREATE TABLE t_broken (id int;',
    });
    const pool = poolOn(uniqueSchema('broken'));
    const err = await runMigrations(pool, { dir }).catch((e) => e);
    expect(err.code).toBe('colloquy_database_failed');
    expect(err.message).toMatch(/002_broken/);
    const { rows } = await pool.query(`SELECT to_regclass('t_ok') AS t`);
    expect(rows[0].t).toBeNull();

    await writeFile(join(dir, '002_broken.sql'), 'CREATE TABLE t_fixed (id int);');
    expect((await runMigrations(pool, { dir })).applied).toEqual([1, 2]);
  });

  it('refuses a badly named or doubly numbered migration file before touching the database', async () => {
    await expect(readMigrations(await migrationsDir({ '1_short.sql': 'SELECT 1;' }))).rejects.toThrow(/NNN_name\.sql/);
    await expect(readMigrations(await migrationsDir({ '003_a.sql': 'SELECT 1;', '003_b.sql': 'SELECT 1;' }))).rejects.toThrow(/number 003/);
  });

  it('an unreachable database is a clear error, not a hang', async () => {
    const pool = createPgPool({ url: 'postgres://postgres@127.0.0.1:1/test', schema: 'nowhere', connectTimeoutMs: 2000 });
    pools.push(pool);
    const err = await runMigrations(pool).catch((e) => e);
    expect(err.code).toBe('colloquy_database_failed');
    expect(err.hint).toMatch(/COLLOQUY_DATABASE_URL/);
  });
});
