/**
 * Append latency of the conversation log on PostgreSQL beside lowdb, measured
 * in the same run with the same work: one durable append (a user turn added to
 * a stored conversation) at a time, rounds interleaved so background load hits
 * both alike; then 8 appenders at once on different conversations.
 *
 *   npx tsx bench/store-append-pg.ts [--database URL] [--samples N] [--turns N]
 *
 * Both are durable: lowdb fsyncs the file and its directory; PostgreSQL
 * commits with its default synchronous_commit (WAL flushed). The database
 * work happens in a schema of its own, dropped at the end.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { readEnvConfig } from '../src/config.ts';
import { createLowdbStore } from '../src/storage/lowdb-store.ts';
import { openDatabase } from '../src/storage/postgres/open.ts';
import { createPostgresStore } from '../src/storage/postgres/postgres-store.ts';
import type { ConversationRecord, ConversationStore, LoggedTurn } from '../src/storage/types.ts';
import { median, percentile } from './lib/stats.ts';

const { values } = parseArgs({ options: { database: { type: 'string' }, samples: { type: 'string', default: '400' }, turns: { type: 'string', default: '20' } } });
const url = values.database ?? readEnvConfig().database?.url ?? 'postgres://postgres@127.0.0.1:5432/test';
const samples = Number(values.samples);
const seedTurns = Number(values.turns);
const out = (line: string) => process.stdout.write(line + '\n');

let seq = 0;
const turn = (): LoggedTurn => ({ id: `t${++seq}`, speaker: seq % 2 ? 'user' : 'bot', text: `message ${seq}: where is my order, it was due on Tuesday?`, at: new Date().toISOString(), sessionId: 's1' });
const record = (id: string): ConversationRecord => {
  const at = new Date().toISOString();
  return { id, channel: 'web', userId: `user-${id}`, createdAt: at, updatedAt: at, sessionId: 's1', sessionStartedAt: at, consecutiveFallbacks: 0, handoff: { state: 'none' }, turns: Array.from({ length: seedTurns }, turn) };
};
const append = (cur: ConversationRecord | undefined): ConversationRecord => {
  const t = turn();
  return { ...cur!, updatedAt: t.at, turns: [...cur!.turns, t] };
};

const schema = `bench_append_${process.pid}`;
const dir = await mkdtemp(join(tmpdir(), 'colloquy-bench-pg-'));
const pool = await openDatabase({ url, schema }, { max: 10 });
const stores: Record<'lowdb' | 'postgres', ConversationStore> = {
  lowdb: await createLowdbStore({ dir }),
  postgres: await createPostgresStore({ pool, ownsPool: false }),
};
const CONVERSATIONS = 100;
for (const store of Object.values(stores)) for (let i = 0; i < CONVERSATIONS; i++) await store.update(`conv-${i}`, () => record(`conv-${i}`));

const single: Record<string, number[]> = { lowdb: [], postgres: [] };
const concurrent: Record<string, number[]> = { lowdb: [], postgres: [] };
const ROUND = 20;
for (let r = 0; r * ROUND < samples; r++) {
  for (const [name, store] of Object.entries(stores)) {
    for (let i = 0; i < ROUND; i++) {
      const t0 = performance.now();
      await store.update(`conv-${(r * ROUND + i) % CONVERSATIONS}`, append);
      single[name]!.push(performance.now() - t0);
    }
    // 8 appenders at once, each on its own conversation: the time per batch of 8
    const t0 = performance.now();
    await Promise.all(Array.from({ length: 8 }, (_, k) => store.update(`conv-${(r * 8 + k) % CONVERSATIONS}`, append)));
    concurrent[name]!.push(performance.now() - t0);
  }
}

const f = (x: number) => x.toFixed(2).padStart(8);
out(`append latency, ${single.lowdb!.length} appends per store to ${CONVERSATIONS} conversations of ~${seedTurns}+ turns, durable, interleaved rounds`);
out(`${'store'.padEnd(10)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'8-at-once batch p50 ms'.padStart(24)} ${'appends/s (8 at once)'.padStart(22)}`);
for (const name of ['lowdb', 'postgres']) {
  const batch = median(concurrent[name]!);
  out(`${name.padEnd(10)} ${f(median(single[name]!))} ${f(percentile(single[name]!, 99))} ${f(batch).padStart(24)} ${(8000 / batch).toFixed(0).padStart(22)}`);
}
out(`ratio postgres / lowdb: p50 ${(median(single.postgres!) / median(single.lowdb!)).toFixed(2)}, p99 ${(percentile(single.postgres!, 99) / percentile(single.lowdb!, 99)).toFixed(2)}, 8-at-once batch ${(median(concurrent.postgres!) / median(concurrent.lowdb!)).toFixed(2)}`);

for (const store of Object.values(stores)) await store.close();
const admin = new pg.Client({ connectionString: url });
await admin.connect();
await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
await admin.end();
await pool.end();
await rm(dir, { recursive: true, force: true });
