/**
 * Append latency of the lowdb conversation store, to check that the cost of
 * an append does not grow with the number of conversations on disk.
 *
 *   npx tsx bench/storage-append.ts [--dir D] [--samples N] [--no-fsync]
 *
 * Scenarios (every append durable by default: fsync of file and directory):
 *   - 10 conversations on disk, appends spread over them;
 *   - 10,000 conversations on disk, appends to 10 of them (same work as above);
 *   - 10,000 conversations on disk, appends to random ones (mostly not open in
 *     memory: one extra file read);
 *   - a conversation of 1,000 turns (the whole file is rewritten per append).
 * Seeding is not durable (fast), then the store is reopened durable. With
 * --no-fsync the appends skip fsync too: what is left is the store's own work,
 * without the disk's (often noisy) flush time.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createLowdbStore } from '../src/storage/lowdb-store.ts';
import type { ConversationRecord, LoggedTurn } from '../src/storage/types.ts';

const { values } = parseArgs({ options: { dir: { type: 'string' }, samples: { type: 'string', default: '400' }, 'no-fsync': { type: 'boolean', default: false } } });
const durable = !values['no-fsync'];
const samples = Number(values.samples);
const root = values.dir ?? (await mkdtemp(join(tmpdir(), 'colloquy-bench-')));
const out = (line: string) => process.stdout.write(line + '\n');

let turnSeq = 0;
const turn = (speaker: LoggedTurn['speaker'] = 'user'): LoggedTurn => ({
  id: `t${++turnSeq}`, speaker, text: `message ${turnSeq}: where is my order, it was due on Tuesday?`,
  at: new Date().toISOString(), sessionId: 's1', ...(speaker === 'bot' ? { confidence: -1.5, modelVersion: 'bench' } : {}),
});
const record = (id: string, turns: number): ConversationRecord => {
  const at = new Date().toISOString();
  return {
    id, channel: 'web', userId: `user-${id}`, createdAt: at, updatedAt: at, sessionId: 's1', sessionStartedAt: at,
    consecutiveFallbacks: 0, handoff: { state: 'none' }, turns: Array.from({ length: turns }, (_, i) => turn(i % 2 ? 'bot' : 'user')),
  };
};
const append = (cur: ConversationRecord | undefined): ConversationRecord => {
  const t = turn();
  return { ...cur!, updatedAt: t.at, turns: [...cur!.turns, t] };
};

/** Creates `count` conversations of `turns` turns in `dir`, 64 at a time, without fsync. */
async function seed(dir: string, count: number, turns: number): Promise<void> {
  const store = await createLowdbStore({ dir, durable: false });
  for (let i = 0; i < count; i += 64) {
    await Promise.all(Array.from({ length: Math.min(64, count - i) }, (_, k) => store.update(`conv-${i + k}`, () => record(`conv-${i + k}`, turns))));
  }
  await store.close();
}

interface Stats { median: number; p99: number; mean: number; n: number; openMs: number }

/** One scenario: its directory, the ids its appends go to, and the measured times. */
interface Scenario { name: string; dir: string; pick: (i: number) => string; n: number; times: number[]; openMs: number }

const random = (() => { let s = 12345; return () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31; })();

out(`storage append benchmark in ${root} (${samples} appends per row, ${durable ? 'durable: fsync file + dir' : 'no fsync'})`);
const small = join(root, 'ten');
const large = join(root, 'ten-thousand');
const long = join(root, 'long');
let t = performance.now();
await seed(small, 10, 10);
await seed(large, 10_000, 10);
await seed(long, 1, 1000);
execFileSync('sync'); // flush the seeding, so the first durable appends do not pay for it
out(`seeded 10 + 10,000 conversations of 10 turns and one of 1,000 turns in ${((performance.now() - t) / 1000).toFixed(1)} s`);

const scenarios: Scenario[] = [
  { name: '10 on disk, appends over the 10', dir: small, pick: (i) => `conv-${i % 10}`, n: samples, times: [], openMs: 0 },
  { name: '10,000 on disk, appends over 10 of them', dir: large, pick: (i) => `conv-${i % 10}`, n: samples, times: [], openMs: 0 },
  { name: '10,000 on disk, random conversation', dir: large, pick: () => `conv-${Math.floor(random() * 10_000)}`, n: samples, times: [], openMs: 0 },
  { name: '1,000-turn conversation', dir: long, pick: () => 'conv-0', n: Math.min(samples, 200), times: [], openMs: 0 },
];
// Rounds alternate between scenarios so that background disk load (other processes) hits them alike.
// One store per directory (one writer per file): the two 10,000 scenarios share theirs.
const stores = new Map<string, { store: Awaited<ReturnType<typeof createLowdbStore>>; openMs: number }>();
const ROUNDS = Math.max(1, Math.ceil(samples / 10)); // 10 appends per scenario per round
for (let round = 0; round < ROUNDS; round++) {
  // The order rotates too: no scenario always runs right after the 1,000-turn rewrites.
  for (const sc of [...scenarios.slice(round % scenarios.length), ...scenarios.slice(0, round % scenarios.length)]) {
    let open = stores.get(sc.dir);
    if (!open) {
      const t0 = performance.now();
      open = { store: await createLowdbStore({ dir: sc.dir, durable }), openMs: performance.now() - t0 };
      stores.set(sc.dir, open);
    }
    sc.openMs = open.openMs;
    if (round === 0) for (let i = 0; i < 10; i++) await open.store.update(sc.pick(i), append); // warm-up
    const per = Math.ceil(sc.n / ROUNDS);
    for (let i = 0; i < per; i++) {
      const id = sc.pick(sc.times.length);
      const start = performance.now();
      await open.store.update(id, append);
      sc.times.push(performance.now() - start);
    }
  }
}
for (const { store } of stores.values()) await store.close();

const stats = (sc: Scenario): Stats => {
  const times = [...sc.times].sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
  return { median: at(0.5), p99: at(0.99), mean: times.reduce((a, b) => a + b, 0) / times.length, n: times.length, openMs: sc.openMs };
};
const rows = scenarios.map((sc) => [sc.name, stats(sc)] as const);

const pad = (s: string, n: number) => s.padEnd(n);
const num = (x: number) => x.toFixed(2).padStart(9);
out('');
out(`${pad('scenario', 42)} ${'appends'.padStart(7)} ${'median ms'.padStart(9)} ${'p99 ms'.padStart(9)} ${'mean ms'.padStart(9)} ${'open ms'.padStart(9)}`);
for (const [name, s] of rows) out(`${pad(name, 42)} ${String(s.n).padStart(7)} ${num(s.median)} ${num(s.p99)} ${num(s.mean)} ${num(s.openMs)}`);
out('');
out(`ratio 10,000 vs 10 (same work, median): ${(rows[1][1].median / rows[0][1].median).toFixed(2)}   (p99: ${(rows[1][1].p99 / rows[0][1].p99).toFixed(2)})`);
out(`ratio 10,000 random vs 10 (median): ${(rows[2][1].median / rows[0][1].median).toFixed(2)}`);

if (!values.dir) await rm(root, { recursive: true, force: true });
