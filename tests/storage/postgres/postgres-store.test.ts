/**
 * What only the PostgreSQL store does: several instances (pools) on one
 * database write one conversation without losing turns, take turns on a
 * conversation's lock, get it back when the holder's process dies, and fail
 * politely when the database is gone.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runMigrations } from '../../../src/storage/postgres/migrate.ts';
import { createPgPool } from '../../../src/storage/postgres/pool.ts';
import { createPostgresStore } from '../../../src/storage/postgres/postgres-store.ts';
import { dropSchema, testDatabaseUrl, uniqueSchema, withoutDatabase } from '../../helpers/services.ts';
import { appendTurn, createTurn } from '../fixtures/records.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(withoutDatabase)('PostgreSQL store across instances', () => {
  let schema: string;
  const stores: Array<Awaited<ReturnType<typeof createPostgresStore>>> = [];
  const instance = async () => {
    const s = await createPostgresStore({ pool: createPgPool({ url: testDatabaseUrl, schema, max: 4 }) });
    stores.push(s);
    return s;
  };

  beforeEach(async () => {
    schema = uniqueSchema('pgstore');
    const pool = createPgPool({ url: testDatabaseUrl, schema, max: 1 });
    await runMigrations(pool);
    await pool.end();
  });
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close().catch(() => undefined);
    await dropSchema(schema);
  });

  it('three instances appending to one conversation at once lose no turn', async () => {
    const [a, b, c] = [await instance(), await instance(), await instance()];
    const writes = [];
    for (let n = 0; n < 20; n++) for (const [name, s] of [['a', a], ['b', b], ['c', c]] as const) writes.push(s.update('web:1', appendTurn('web:1', createTurn(`${name}${n}`))));
    await Promise.all(writes);
    const turns = (await a.get('web:1'))!.turns.map((t) => t.id);
    expect(turns).toHaveLength(60);
    expect(new Set(turns).size).toBe(60);
    for (const name of ['a', 'b', 'c']) expect(turns.filter((t) => t.startsWith(name))).toEqual(Array.from({ length: 20 }, (_, n) => `${name}${n}`));
  });

  it('exclusive tasks on one conversation take turns across instances; other conversations go on', async () => {
    const [a, b] = [await instance(), await instance()];
    const log: string[] = [];
    let started!: () => void;
    const aHolds = new Promise<void>((r) => { started = r; });
    const first = a.exclusive('web:1', async () => {
      log.push('a start');
      started();
      await a.update('web:1', appendTurn('web:1', createTurn('a1'))); // the store's own calls inside reuse the held lock
      await sleep(500);
      log.push('a end');
    });
    await aHolds;
    const second = b.exclusive('web:1', async () => {
      log.push('b start');
      const seen = (await b.get('web:1'))!.turns.map((t) => t.id);
      await b.update('web:1', appendTurn('web:1', createTurn('b1')));
      log.push(`b saw ${seen.join(',')}`);
    });
    const other = b.exclusive('web:2', async () => { log.push('b other'); });
    await Promise.all([first, second, other]);
    expect(log.indexOf('b other')).toBeLessThan(log.indexOf('a end'));
    expect(log.filter((l) => l !== 'b other')).toEqual(['a start', 'a end', 'b start', 'b saw a1']);
  });

  it('a lock held by a process that is killed -9 is taken over within seconds', async () => {
    const script = fileURLToPath(new URL('../fixtures/hold-conversation-lock.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', script, testDatabaseUrl, schema, 'web:1'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => { if (d.toString().includes('locked')) resolve(); });
      child.on('exit', () => reject(new Error(`holder exited early: ${stderr}`)));
    });
    const s = await instance();
    // a holder that does not let go: a waiter gives up at the lock timeout, politely, and the store stays usable
    const impatient = await createPostgresStore({ pool: createPgPool({ url: testDatabaseUrl, schema, max: 2, lockTimeoutMs: 300 }) });
    stores.push(impatient);
    const gaveUp = await impatient.exclusive('web:1', async () => 'ran').catch((e: unknown) => e);
    expect((gaveUp as { code?: string; message?: string })).toMatchObject({ code: 'colloquy_database_failed', message: expect.stringMatching(/lock timeout/) });
    expect(await impatient.exclusive('web:2', async () => 'other conversation')).toBe('other conversation');

    let ran = false;
    const waiting = s.exclusive('web:1', async () => { ran = true; });
    await sleep(300);
    expect(ran).toBe(false); // the live holder keeps it

    const killedAt = Date.now();
    child.kill('SIGKILL');
    await waiting;
    expect(ran).toBe(true);
    expect(Date.now() - killedAt).toBeLessThan(5000);
  });

  it('with the database gone, calls fail with colloquy_database_failed and the process goes on', async () => {
    const s = await createPostgresStore({ pool: createPgPool({ url: 'postgres://postgres@127.0.0.1:1/test', schema, connectTimeoutMs: 1000 }) });
    stores.push(s);
    for (const call of [() => s.get('x'), () => s.update('x', appendTurn('x', createTurn('t'))), () => s.getChannelState('k'), () => s.exclusive('x', async () => 1)]) {
      const err = await call().catch((e: unknown) => e);
      expect((err as { code?: string }).code).toBe('colloquy_database_failed');
      expect((err as { hint?: string }).hint).toMatch(/PostgreSQL/);
    }
  });
});
