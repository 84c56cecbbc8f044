/**
 * The model registry in PostgreSQL: versions copied in idempotently, promote
 * and rollback with the file registry's rules, and every follower (an
 * instance's models directory + generator) switching within moments of a
 * promotion — by notification, or by the poll when notifications are missed.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyRegistryToDatabase, fetchVersion } from '../../src/registry/database/copy.ts';
import { createRegistryFollower, type RegistryFollower } from '../../src/registry/database/follow.ts';
import { listDbVersions, promoteInDatabase, readDbRegistry, rollbackInDatabase } from '../../src/registry/database/registry-db.ts';
import { promote } from '../../src/registry/promote.ts';
import { readRegistry } from '../../src/registry/registry-file.ts';
import { runMigrations } from '../../src/storage/postgres/migrate.ts';
import { isColloquyError } from '../../src/errors.ts';
import { createTestPool, testDatabaseUrl, withoutDatabase } from '../helpers/services.ts';
import { tempDir } from '../helpers/tiny.ts';
import { copyModel, markRefused, trainTwoModels } from './fixtures.ts';


/** Waits for `check` to hold, polling; fails with `what` after `ms`. */
async function eventually(check: () => boolean | Promise<boolean>, what: string, ms = 5_000): Promise<number> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  return Date.now() - start;
}

describe.skipIf(withoutDatabase)('model registry in PostgreSQL', () => {
  const pool = createTestPool('registry');
  let scratch: string;
  let source: string; // the operator's models/ with default (A), b (B) and refused (B, refused by the gate)
  let versions: { a: string; b: string };
  const followers: RegistryFollower[] = [];

  beforeAll(async () => {
    await runMigrations(pool);
    scratch = await tempDir('db-registry');
    source = path.join(scratch, 'models');
    const trained = await trainTwoModels(source, scratch, 20);
    versions = { a: trained.a, b: trained.b };
    await copyModel(trained.bDir, source, 'b');
    await markRefused(await copyModel(trained.bDir, source, 'refused'), trained.b);
    await promote(source, 'b', { now: new Date('2026-01-01T00:00:00Z') });
  });
  afterAll(async () => {
    for (const f of followers) await f.stop();
    await pool.drop();
    await fs.rm(scratch, { recursive: true, force: true });
  });

  it('copies a models directory in, with its promotion history; a second copy changes nothing', async () => {
    const first = await copyRegistryToDatabase(pool, source);
    expect(first.added.sort()).toEqual(['b', 'default', 'refused']);
    expect(first.events).toBe(1);
    const again = await copyRegistryToDatabase(pool, source);
    expect(again).toEqual({ added: [], present: expect.arrayContaining(['b', 'default', 'refused']), events: 0 });
    const { rows } = await pool.query('SELECT (SELECT count(*) FROM model_versions)::int AS v, (SELECT count(*) FROM model_events)::int AS e');
    expect(rows[0]).toEqual({ v: 3, e: 1 });
    const listed = await listDbVersions(pool);
    expect(Object.fromEntries(listed.map((v) => [v.name, v.status]))).toEqual({ b: 'active', default: 'retired', refused: 'refused' });
  });

  it('promotes and rolls back with the same rules as the registry file', async () => {
    const refused = await promoteInDatabase(pool, 'refused').catch((e: unknown) => e);
    expect(isColloquyError(refused, 'version_refused')).toBe(true);
    const unknown = await promoteInDatabase(pool, 'nope').catch((e: unknown) => e);
    expect(isColloquyError(unknown, 'version_unknown') && unknown.hint).toMatch(/Known versions: .*default/);
    const p = await promoteInDatabase(pool, versions.a.slice(0, 8)); // a hash prefix names it too
    expect(p).toMatchObject({ changed: true, previous: 'b', active: { name: 'default', status: 'active' } });
    const r = await rollbackInDatabase(pool);
    expect(r).toMatchObject({ previous: 'default', active: { name: 'b' } });
    expect((await readDbRegistry(pool))?.active).toBe('b');
  });

  it('fetches a version into a models directory, checked and whole, once', async () => {
    const dir = path.join(scratch, 'instance-fetch');
    expect(await fetchVersion(pool, 'b', dir)).toBe(true);
    expect(await fetchVersion(pool, 'b', dir)).toBe(false);
    const copied = await fs.readFile(path.join(dir, 'b', 'weights.bin'));
    expect(copied.equals(await fs.readFile(path.join(source, 'b', 'weights.bin')))).toBe(true);
    expect((await fs.readdir(dir)).filter((n) => n.includes('staging'))).toEqual([]);
  });

  it('every follower switches within moments of a promotion made elsewhere, and of a rollback', async () => {
    const switched: string[][] = [[], [], []];
    const dirs = [0, 1, 2].map((i) => path.join(scratch, `instance-${i}`));
    for (const [i, modelsDir] of dirs.entries()) {
      const f = createRegistryFollower({ pool, database: { url: testDatabaseUrl, schema: pool.schema }, modelsDir, pollMs: 60_000, onChange: async () => void switched[i]!.push((await readRegistry(modelsDir))!.active) });
      followers.push(f);
      await f.sync();
      await f.start();
    }
    for (const dir of dirs) expect((await readRegistry(dir))?.active).toBe('b');
    await new Promise((r) => setTimeout(r, 300)); // listeners connected
    await promoteInDatabase(pool, 'default');
    const took = await eventually(async () => switched.every((s) => s.at(-1) === 'default'), 'every follower on default');
    expect(took).toBeLessThan(2_000); // a notification, not the 60 s poll
    for (const dir of dirs) expect(JSON.parse(await fs.readFile(path.join(dir, 'default', 'manifest.json'), 'utf8')).version).toBe(versions.a);
    await rollbackInDatabase(pool);
    await eventually(() => switched.every((s) => s.at(-1) === 'b'), 'every follower back on b');
  });

  it('a follower that missed the notification catches up by polling', async () => {
    const modelsDir = path.join(scratch, 'instance-poll');
    let changes = 0;
    const f = createRegistryFollower({ pool, database: { url: 'postgres://127.0.0.1:1/none', schema: pool.schema }, modelsDir, pollMs: 200, onChange: async () => void changes++ }); // its listener cannot connect
    followers.push(f);
    await f.sync();
    await f.start();
    await promoteInDatabase(pool, 'default');
    await eventually(async () => (await readRegistry(modelsDir))?.active === 'default', 'the poll to catch the promotion', 3_000);
    expect(changes).toBeGreaterThanOrEqual(2);
    await rollbackInDatabase(pool);
  });
});
