/**
 * `colloquy store migrate`: a lowdb log moved into PostgreSQL, run as users
 * run it (a child process); run again, nothing doubles; run after the lowdb
 * log grew, only the missing turns arrive.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLowdbStore } from '../../src/storage/lowdb-store.ts';
import { createPgPool } from '../../src/storage/postgres/pool.ts';
import { createPostgresStore } from '../../src/storage/postgres/postgres-store.ts';
import { runColloquy } from '../helpers/cli.ts';
import { dropSchema, testDatabaseUrl, uniqueSchema, withoutDatabase } from '../helpers/services.ts';
import { appendTurn, collect, createTempDir, createTurn } from '../storage/fixtures/records.ts';

describe.skipIf(withoutDatabase)('colloquy store migrate', () => {
  let tmp: Awaited<ReturnType<typeof createTempDir>>;
  let schema: string;
  beforeEach(async () => {
    tmp = await createTempDir();
    schema = uniqueSchema('storemigrate');
  });
  afterEach(async () => {
    await tmp.remove();
    await dropSchema(schema);
  });

  const migrate = () => runColloquy(['store', 'migrate', '--to', testDatabaseUrl, '--schema', schema, '--data-dir', tmp.dir], { env: { COLLOQUY_DATABASE_URL: undefined, COLLOQUY_DATABASE_SCHEMA: undefined } });
  const readTarget = async () => {
    const store = await createPostgresStore({ pool: createPgPool({ url: testDatabaseUrl, schema }) });
    try {
      const ids = (await collect(store.list())).map((s) => s.id).sort();
      return { ids, records: await Promise.all(ids.map((id) => store.get(id))), state: await store.getChannelState('slack:msg:C1:1.1') };
    } finally {
      await store.close();
    }
  };

  it('copies every conversation and the channel state once, and later only what is missing', async () => {
    const source = await createLowdbStore({ dir: tmp.dir });
    for (const id of ['web:a', 'slack:T1:C1:1.0', 'discord:9']) {
      await source.update(id, appendTurn(id, createTurn('t1', { at: '2025-01-01T10:00:00.000Z' })));
      await source.update(id, appendTurn(id, createTurn('t2', { speaker: 'bot', confidence: -0.7, at: '2025-01-01T10:00:01.000Z', feedback: { value: 'up', at: '2025-01-01T10:01:00.000Z' } })));
    }
    await source.setChannelState('slack:msg:C1:1.1', { conversationId: 'slack:T1:C1:1.0', turnId: 't2' });
    const expected = await Promise.all(['discord:9', 'slack:T1:C1:1.0', 'web:a'].map((id) => source.get(id)));
    await source.close();

    const first = await migrate();
    expect(first.stderr).not.toMatch(/error/);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/3 copied, 0 completed with missing turns, 0 already there \(6 turns written\); 1 channel state entries copied/);
    const after = await readTarget();
    expect(after.records).toEqual(expected);
    expect(after.state).toEqual({ conversationId: 'slack:T1:C1:1.0', turnId: 't2' });

    const second = await migrate();
    expect(second.stdout).toMatch(/0 copied, 0 completed with missing turns, 3 already there \(0 turns written\); 0 channel state/);
    expect((await readTarget()).records).toEqual(expected);

    const grown = await createLowdbStore({ dir: tmp.dir });
    await grown.update('web:a', appendTurn('web:a', createTurn('t3', { at: '2025-01-02T09:00:00.000Z' })));
    await grown.close();
    expect((await migrate()).stdout).toMatch(/0 copied, 1 completed with missing turns, 2 already there \(1 turns written\)/);
    const web = (await readTarget()).records.find((r) => r!.id === 'web:a')!;
    expect(web.turns.map((t) => t.id)).toEqual(['t1', 't2', 't3']);
  });

  it('says what is missing: no URL, a log that is not there', async () => {
    const noUrl = await runColloquy(['store', 'migrate', '--data-dir', tmp.dir], { env: { COLLOQUY_DATABASE_URL: undefined } });
    expect(noUrl.code).not.toBe(0);
    expect(noUrl.stderr).toMatch(/needs --to URL/);
    const noLog = await runColloquy(['store', 'migrate', '--to', testDatabaseUrl, '--data-dir', `${tmp.dir}/nope`]);
    expect(noLog.stderr).toMatch(/No conversation log at/);
  });
});
