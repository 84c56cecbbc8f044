/**
 * `colloquy retrain` with a database: it learns from the conversations in
 * PostgreSQL and publishes the new version to the database registry, promoted
 * there, so every instance switches to it.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyRegistryToDatabase } from '../../src/registry/database/copy.ts';
import { listDbVersions, readDbRegistry } from '../../src/registry/database/registry-db.ts';
import { runMigrations } from '../../src/storage/postgres/migrate.ts';
import { createPostgresStore } from '../../src/storage/postgres/postgres-store.ts';
import { runColloquy } from '../helpers/cli.ts';
import { createTestPool, testDatabaseUrl, withoutDatabase } from '../helpers/services.ts';
import { tempDir, tinyCorpus, toJsonl, trainTinyModel } from '../helpers/tiny.ts';
import { putConversation, reviewed } from './fixtures.ts';

describe.skipIf(withoutDatabase)('colloquy retrain with a database', () => {
  const pool = createTestPool('retrain_db');
  let root: string;
  let modelsDir: string;
  let base: string;

  beforeAll(async () => {
    root = await tempDir('retrain-db');
    modelsDir = path.join(root, 'models');
    base = path.join(root, 'base.jsonl');
    await fs.writeFile(base, toJsonl(tinyCorpus()));
    await trainTinyModel(path.join(modelsDir, 'default'), 'wasm', { training: { epochs: 25 } });
    await runMigrations(pool);
    await copyRegistryToDatabase(pool, modelsDir);
    const store = await createPostgresStore({ pool, ownsPool: false });
    for (const id of ['w1', 'w2']) {
      await putConversation(store, id, [['user', 'Do you ship to Norway?'], ['bot', 'We open at nine.']], { review: reviewed('corrected', { [`${id}-2`]: 'Yes, Norway takes four days.' }) });
    }
  }, 300_000);
  afterAll(async () => {
    await pool.drop();
    await fs.rm(root, { recursive: true, force: true });
  });

  it('publishes the version it promoted to the database registry', async () => {
    const r = await runColloquy(['retrain', '--models-dir', modelsDir, '--base', base, '--epochs', '8'], {
      env: { COLLOQUY_BACKEND: 'wasm', COLLOQUY_LOG_LEVEL: 'warn', COLLOQUY_MODEL: undefined, COLLOQUY_MODELS_DIR: undefined, COLLOQUY_DATABASE_URL: testDatabaseUrl, COLLOQUY_DATABASE_SCHEMA: pool.schema },
    });
    expect(r.stderr).not.toMatch(/error:/);
    expect(r.code).toBe(0);
    const version = /Promoted: ([0-9a-f]{12}) is now active/.exec(r.stdout)?.[1];
    expect(version).toBeDefined();
    expect(r.stdout).toContain('Stored in the database registry and promoted there');
    const registry = await readDbRegistry(pool);
    expect(registry?.active).toBe(version);
    expect(registry?.history.at(-1)?.note).toMatch(/gate passed against default/);
    const listed = await listDbVersions(pool);
    expect(listed.find((v) => v.name === version)).toMatchObject({ status: 'active', parent: 'default' });
  });
});
