/**
 * `colloquy store migrate` also copies the model registry: every version with
 * its files and the promotion history, once — run twice, nothing doubles.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_DIR } from '../../src/config.ts';
import { listDbVersions, readDbRegistry } from '../../src/registry/database/registry-db.ts';
import { promote } from '../../src/registry/promote.ts';
import { createPgPool } from '../../src/storage/postgres/pool.ts';
import { runColloquy } from '../helpers/cli.ts';
import { dropSchema, testDatabaseUrl, uniqueSchema, withoutDatabase } from '../helpers/services.ts';
import { tempDir } from '../helpers/tiny.ts';

describe.skipIf(withoutDatabase)('colloquy store migrate: the model registry', () => {
  const schema = uniqueSchema('migrate_registry');
  let dir: string;
  beforeAll(async () => {
    dir = await tempDir('migrate-registry');
    await fs.mkdir(path.join(dir, 'data'));
    const models = path.join(dir, 'models');
    await fs.cp(DEFAULT_MODEL_DIR, path.join(models, 'default'), { recursive: true });
    // a second version: the same files under another name and weights hash
    await fs.cp(DEFAULT_MODEL_DIR, path.join(models, 'v2'), { recursive: true });
    const manifestFile = path.join(models, 'v2', 'manifest.json');
    const manifest = JSON.parse(await fs.readFile(manifestFile, 'utf8'));
    await fs.writeFile(manifestFile, JSON.stringify({ ...manifest, version: 'v2hash000001', createdAt: '2026-12-01T00:00:00.000Z' }));
    await promote(models, 'v2');
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
    await dropSchema(schema);
  });

  const migrate = () => runColloquy(['store', 'migrate', '--to', testDatabaseUrl, '--schema', schema, '--data-dir', path.join(dir, 'data'), '--models-dir', path.join(dir, 'models')], { env: { COLLOQUY_DATABASE_URL: undefined, COLLOQUY_DATABASE_SCHEMA: undefined } });

  it('copies every version and the history once; the second run copies nothing', async () => {
    const first = await migrate();
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/Model registry: 2 versions copied \((default, v2|v2, default)\), 0 already there; 1 promotion events copied/);
    const second = await migrate();
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/Model registry: 0 versions copied, 2 already there; 0 promotion events copied/);
    const pool = createPgPool({ url: testDatabaseUrl, schema });
    try {
      expect((await readDbRegistry(pool))?.history.map((e) => e.version)).toEqual(['v2']);
      expect(Object.fromEntries((await listDbVersions(pool)).map((v) => [v.name, v.status]))).toEqual({ v2: 'active', default: 'retired' });
      const { rows } = await pool.query("SELECT count(*)::int AS n, sum(length(content))::bigint AS bytes FROM model_files WHERE name = 'v2'");
      const local = await fs.readdir(path.join(dir, 'models', 'v2'));
      expect(rows[0].n).toBe(local.length);
    } finally {
      await pool.end();
    }
  });
});
