/**
 * Replies per second with one instance beside three, measured in the same
 * run: three `colloquy serve` processes on one PostgreSQL schema and one
 * Redis prefix (the bundled model), the same workload sent either all to the
 * first instance or spread over the three (each message of a conversation to
 * the next instance, as a load balancer without sticky sessions would).
 * Rounds alternate between the two so background load hits both alike; the
 * idle instances of the one-instance rounds hold memory but no CPU.
 *
 *   npx tsx bench/cluster-replies.ts [--database URL] [--redis URL] [--conversations N] [--messages N] [--rounds N]
 *
 * On a machine with fewer cores than instances, three instances compete for
 * the same cores (and lose the batching one process gets from many
 * conversations at once): the figure is reported as it is.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createClient } from 'redis';
import { DEFAULT_MODEL_DIR, PROJECT_ROOT, readEnvConfig } from '../src/config.ts';
import { markdownTable, median, percentile } from './lib/stats.ts';

const { values } = parseArgs({ options: { database: { type: 'string' }, redis: { type: 'string' }, conversations: { type: 'string', default: '12' }, messages: { type: 'string', default: '6' }, rounds: { type: 'string', default: '3' } } });
const env = readEnvConfig();
const databaseUrl = values.database ?? env.database?.url ?? 'postgres://postgres@127.0.0.1:5432/test';
const redisUrl = values.redis ?? env.redis?.url ?? 'redis://127.0.0.1:6379';
const conversations = Number(values.conversations);
const messages = Number(values.messages); // at most the per-conversation burst (10)
const rounds = Number(values.rounds);
const say = (line: string) => process.stderr.write(line + '\n');

const QUESTIONS = ['Where is my order?', 'Can I return the shoes I bought last week?', 'How long does shipping to Lyon take?', 'My card was charged twice.', 'Do you have the blue jacket in size M?', 'How do I change my delivery address?'];

const schema = `bench_cluster_${randomBytes(4).toString('hex')}`;
const prefix = `colloquy-bench:${randomBytes(4).toString('hex')}:`;
const scratch = await mkdtemp(join(tmpdir(), 'colloquy-bench-cluster-'));
const children: ChildProcess[] = [];

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/** Starts one `colloquy serve` on the shared database and Redis; resolves with its URL once /health says ready. */
async function startInstance(id: string): Promise<string> {
  const port = await freePort();
  const modelsDir = join(scratch, id, 'models');
  await cp(DEFAULT_MODEL_DIR, join(modelsDir, 'default'), { recursive: true });
  const child = spawn(process.execPath, [join(PROJECT_ROOT, 'bin', 'colloquy.js'), 'serve', '--port', String(port), '--models-dir', modelsDir, '--data-dir', join(scratch, id, 'data')], {
    env: { ...process.env, COLLOQUY_DATABASE_URL: databaseUrl, COLLOQUY_DATABASE_SCHEMA: schema, COLLOQUY_REDIS_URL: redisUrl, COLLOQUY_REDIS_PREFIX: prefix, COLLOQUY_INSTANCE_ID: id, COLLOQUY_LOG_LEVEL: 'warn', COLLOQUY_MODEL: '' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  const url = `http://127.0.0.1:${port}`;
  for (const end = Date.now() + 120_000; Date.now() < end; await new Promise((r) => setTimeout(r, 250))) {
    if (child.exitCode !== null) throw new Error(`${id} exited with ${child.exitCode}`);
    if (await fetch(`${url}/health`).then((r) => r.ok, () => false)) return url;
  }
  throw new Error(`${id} not ready in 120 s`);
}

/** One widget message, its reply read to the end; the time it took (ms), or NaN when it was not answered. */
async function ask(url: string, c: { conversationId: string; token: string }, text: string, id: string): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(`${url}/api/conversations/${c.conversationId}/messages`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${c.token}` }, body: JSON.stringify({ text, clientMessageId: id }) });
  const body = await res.text();
  return res.ok && body.includes('event: done') ? performance.now() - t0 : NaN;
}

/** The workload over `urls`: replies/s and each message's latency. */
async function round(urls: string[], tag: string): Promise<{ repliesPerSecond: number; latencies: number[]; failed: number }> {
  const opened = await Promise.all(Array.from({ length: conversations }, async (_, i) => (await (await fetch(`${urls[i % urls.length]}/api/conversations`, { method: 'POST' })).json()) as { conversationId: string; token: string }));
  const latencies: number[] = [];
  let failed = 0;
  const t0 = performance.now();
  await Promise.all(
    opened.map(async (c, i) => {
      for (let k = 0; k < messages; k++) {
        const ms = await ask(urls[(i + k) % urls.length]!, c, QUESTIONS[(i + k) % QUESTIONS.length]!, `${tag}-${i}-${k}`);
        if (Number.isNaN(ms)) failed++;
        else latencies.push(ms);
      }
    }),
  );
  return { repliesPerSecond: latencies.length / ((performance.now() - t0) / 1000), latencies, failed };
}

try {
  say(`starting 3 instances (schema ${schema}) on ${cpus().length} cores…`);
  const urls = await Promise.all(['bench-1', 'bench-2', 'bench-3'].map(startInstance));
  const results: Record<'one' | 'three', Array<{ repliesPerSecond: number; latencies: number[]; failed: number }>> = { one: [], three: [] };
  await round(urls, 'warmup'); // every instance has answered before timing starts
  for (let r = 0; r < rounds; r++) {
    results.one.push(await round([urls[0]!], `one-${r}`));
    results.three.push(await round(urls, `three-${r}`));
    say(`round ${r + 1}/${rounds}: 1 instance ${results.one[r]!.repliesPerSecond.toFixed(2)} replies/s, 3 instances ${results.three[r]!.repliesPerSecond.toFixed(2)} replies/s`);
  }
  const row = (name: string, rs: typeof results.one) => {
    const all = rs.flatMap((x) => x.latencies);
    return [name, median(rs.map((x) => x.repliesPerSecond)).toFixed(2), percentile(all, 50).toFixed(0), percentile(all, 99).toFixed(0), String(rs.reduce((n, x) => n + x.failed, 0))];
  };
  const one = median(results.one.map((x) => x.repliesPerSecond));
  const three = median(results.three.map((x) => x.repliesPerSecond));
  process.stdout.write(`replies/s, ${conversations} conversations × ${messages} messages, bundled model, median of ${rounds} rounds, ${cpus().length} cores\n`);
  process.stdout.write(markdownTable(['instances', 'replies/s', 'p50 ms', 'p99 ms', 'unanswered'], [row('1 (baseline)', results.one), row('3', results.three)]) + '\n');
  process.stdout.write(`ratio 3 / 1 instances: ${(three / one).toFixed(2)}x\n`);
} finally {
  for (const c of children) c.kill('SIGTERM');
  await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : undefined)));
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await db.end();
  const redis = createClient({ url: redisUrl });
  await redis.connect();
  for await (const keys of redis.scanIterator({ MATCH: `${prefix}*` })) if (keys.length) await redis.del(keys);
  await redis.close();
  await rm(scratch, { recursive: true, force: true });
}
