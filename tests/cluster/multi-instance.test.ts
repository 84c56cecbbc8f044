/**
 * Three `colloquy serve` processes on loopback ports sharing one PostgreSQL
 * schema and one Redis prefix. A client sends conversations' messages to
 * different instances (as a load balancer without sticky sessions would);
 * one instance is killed with -9 mid-load and restarted; a model is promoted
 * mid-load. Checked: every acknowledged message is stored exactly once with
 * exactly one reply, in order; the dead instance's conversations go on;
 * every live instance serves the promoted version within 5 s; rate limits
 * hold across instances.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadVersion } from '../../src/registry/database/copy.ts';
import { createPgPool } from '../../src/storage/postgres/pool.ts';
import { createPostgresStore } from '../../src/storage/postgres/postgres-store.ts';
import type { ConversationRecord } from '../../src/storage/types.ts';
import { runColloquy } from '../helpers/cli.ts';
import { deleteKeys, TEST_REDIS_URL, testPrefix } from '../helpers/redis.ts';
import { dropSchema, testDatabaseUrl, uniqueSchema, withoutDatabase, withoutRedis } from '../helpers/services.ts';
import { QA, tempDir } from '../helpers/tiny.ts';
import { copyModel, trainTwoModels } from '../registry/fixtures.ts';
import { freePort, killHard, sendMessage, startInstance, stopInstance, waitHealthy, type Ack, type Instance } from './instances.ts';

type Conversation = { conversationId: string; token: string };
interface Sent {
  conversation: string;
  id: string;
  text: string;
  ack?: Ack;
  /** When the first attempt started (ms since epoch). */
  startedAt: number;
  attempts: number;
}

describe.skipIf(withoutDatabase || withoutRedis)('three instances on one PostgreSQL and Redis', () => {
  const schema = uniqueSchema('cluster');
  const prefix = testPrefix('cluster');
  const instances: Instance[] = [];
  let scratch: string;
  let versions: { a: string; b: string };
  let bDir: string;
  const env = () => ({ COLLOQUY_DATABASE_URL: testDatabaseUrl, COLLOQUY_DATABASE_SCHEMA: schema, COLLOQUY_REDIS_URL: TEST_REDIS_URL, COLLOQUY_REDIS_PREFIX: prefix, COLLOQUY_BACKEND: 'wasm', COLLOQUY_MODEL: undefined, COLLOQUY_MODELS_DIR: undefined, COLLOQUY_SECRET: undefined });
  const argsOf = (i: Instance) => ['--models-dir', path.join(scratch, i.id, 'models'), '--data-dir', path.join(scratch, i.id, 'data')];
  const start = (i: Instance) => startInstance(i, argsOf(i), env());

  beforeAll(async () => {
    scratch = await tempDir('cluster');
    const trained = await trainTwoModels(path.join(scratch, 'base'), scratch, 20);
    versions = { a: trained.a, b: trained.b };
    bDir = trained.bDir;
    for (const id of ['i1', 'i2', 'i3']) {
      await copyModel(path.join(scratch, 'base', 'default'), path.join(scratch, id, 'models'), 'default'); // each machine has the bundled model
      const port = await freePort();
      instances.push({ id, port, url: `http://127.0.0.1:${port}`, log: '' });
    }
    instances.forEach(start); // together: migrations and the registry's first fill race, safely
    await Promise.all(instances.map((i) => waitHealthy(i)));
  });
  afterAll(async () => {
    await Promise.all(instances.map(stopInstance));
    await dropSchema(schema);
    await deleteKeys(prefix);
    if (scratch) await fs.rm(scratch, { recursive: true, force: true });
  });

  const openConversation = async (url: string): Promise<Conversation> => (await (await fetch(`${url}/api/conversations`, { method: 'POST' })).json()) as Conversation;
  const health = async (i: Instance) => fetch(`${i.url}/health`).then((r) => r.json() as Promise<{ model?: { version: string; name: string }; instance?: string }>, () => undefined);
  const readAll = async (ids: string[]): Promise<Map<string, ConversationRecord>> => {
    const store = await createPostgresStore({ pool: createPgPool({ url: testDatabaseUrl, schema }) });
    try {
      return new Map(await Promise.all(ids.map(async (id) => [id, (await store.get(id))!] as const)));
    } finally {
      await store.close();
    }
  };

  /** Like a load balancer with retries: tries instance `first`, then the next ones, until the answer is complete. */
  const deliver = async (c: Conversation, s: Sent, first: number): Promise<void> => {
    for (let attempt = 0; attempt < 15; attempt++) {
      s.attempts++;
      const ack = await sendMessage(instances[(first + attempt) % instances.length]!.url, c, s.text, s.id);
      if (ack.status === 200 && ack.done) return void (s.ack = ack);
      if (ack.status === 429) return; // not acknowledged: refused
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  /** Every acknowledged message stored once, answered once (the answer the client got), in the order sent. */
  const checkStored = (records: Map<string, ConversationRecord>, sent: Sent[], { ordered }: { ordered: boolean }) => {
    const figures = { sent: sent.length, acknowledged: 0, stored: 0, duplicates: 0, lost: 0 };
    for (const [id, record] of records) {
      const mine = sent.filter((s) => s.conversation === id);
      const users = record.turns.filter((t) => t.speaker === 'user');
      figures.stored += users.length;
      const ids = users.map((t) => t.externalId);
      figures.duplicates += ids.length - new Set(ids).size;
      // one writer at a time: each user turn is followed by exactly its own answer
      expect(record.turns.map((t) => (t.speaker === 'user' ? 'u' : 'b')).join('')).toBe('ub'.repeat(users.length));
      for (const s of mine.filter((m) => m.ack)) {
        figures.acknowledged++;
        const at = record.turns.findIndex((t) => t.speaker === 'user' && t.externalId === s.id);
        if (at < 0) figures.lost++;
        else expect(record.turns[at + 1]!.id).toBe(s.ack!.done!.turnId);
      }
      if (ordered) expect(ids).toEqual(mine.filter((m) => m.ack).map((m) => m.id));
    }
    return figures;
  };

  it('answers every acknowledged message exactly once, in order, through a kill -9 and a promotion; every instance serves the promoted version within 5 s', async () => {
    const conversations = await Promise.all(Array.from({ length: 8 }, (_, i) => openConversation(instances[i % 3]!.url)));
    const sent: Sent[] = [];
    let acked = 0;
    const events: Record<string, number> = {};
    const whenAcked = (n: number) => new Promise<void>((resolve) => {
      const t = setInterval(() => acked >= n && (clearInterval(t), resolve()), 20);
    });

    const send = async (c: Conversation, i: number, k: number) => {
      const s: Sent = { conversation: c.conversationId, id: `c${i}-m${k}`, text: QA[(i + k) % QA.length]!.q, startedAt: Date.now(), attempts: 0 };
      sent.push(s);
      await deliver(c, s, i + k); // each message of a conversation to the next instance
      if (s.ack) acked++;
    };
    const load = conversations.map(async (c, i) => {
      for (let k = 0; k < 6; k++) await send(c, i, k);
    });

    const chaos = (async () => {
      await whenAcked(12);
      await killHard(instances[1]!); // mid-load: the conversations it was answering must go on elsewhere
      events.killedAt = Date.now();
      await new Promise((r) => setTimeout(r, 300));
      start(instances[1]!);
      await whenAcked(20);
      await uploadVersion(createPgPool({ url: testDatabaseUrl, schema, max: 1 }), bDir, 'b').catch(() => undefined); // as colloquy retrain publishes a version
      const promoted = await runColloquy(['models', 'promote', 'b'], { env: env() });
      expect(promoted.stderr).not.toMatch(/error:/);
      events.promotedAt = Date.now();
      // every live instance reports the new version
      for (;;) {
        const live = instances.filter((x) => x.child?.exitCode === null);
        const reports = await Promise.all(live.map(health));
        if (reports.every((r) => r === undefined || r.model?.version === versions.b) && reports.filter(Boolean).length >= 2) break;
        if (Date.now() - events.promotedAt > 10_000) throw new Error(`not every instance on the promoted version: ${JSON.stringify(reports)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      events.allOnB = Date.now();
    })();

    await Promise.all([...load, chaos]);
    await Promise.all(conversations.map(async (c, i) => {
      for (let k = 6; k < 8; k++) await send(c, i, k); // after the promotion reached every instance
    }));
    await waitHealthy(instances[1]!);
    expect((await health(instances[1]!))?.model?.version).toBe(versions.b); // the restarted one too

    const records = await readAll(conversations.map((c) => c.conversationId));
    const figures = checkStored(records, sent, { ordered: true });
    // the closing note's figures
    process.stderr.write(`multi-instance: ${JSON.stringify({ ...figures, attempts: sent.reduce((n, s) => n + s.attempts, 0), promotionReachedAllMs: events.allOnB! - events.promotedAt! })}\n`);
    expect(figures).toMatchObject({ sent: 64, acknowledged: 64, stored: 64, duplicates: 0, lost: 0 }); // every conversation went on, the dead instance's included
    expect(events.allOnB! - events.promotedAt!).toBeLessThan(5_000);
    // replies begun after every instance switched came from the promoted model
    const later = sent.filter((s) => s.startedAt > events.allOnB! && s.ack).map((s) => records.get(s.conversation)!.turns.find((t) => t.id === s.ack!.done!.turnId)!.modelVersion);
    expect(later.length).toBeGreaterThan(0);
    expect(new Set(later)).toEqual(new Set([versions.b]));
  });

  it('bursts for the same conversations spread over the instances: one writer at a time, each message once with one reply', async () => {
    const conversations = await Promise.all(Array.from({ length: 4 }, (_, i) => openConversation(instances[i % 3]!.url)));
    const sent: Sent[] = [];
    await Promise.all(
      conversations.flatMap((c, i) =>
        Array.from({ length: 6 }, (_, k) => {
          const s: Sent = { conversation: c.conversationId, id: `burst${i}-${k}`, text: QA[k % QA.length]!.q, startedAt: Date.now(), attempts: 0 };
          sent.push(s);
          return deliver(c, s, k);
        }),
      ),
    );
    const figures = checkStored(await readAll(conversations.map((c) => c.conversationId)), sent, { ordered: false });
    expect(figures).toMatchObject({ sent: 24, acknowledged: 24, stored: 24, duplicates: 0, lost: 0 });
  });

  it('holds one conversation to its rate limit across the three instances', async () => {
    const c = await openConversation(instances[0]!.url);
    const acks = await Promise.all(Array.from({ length: 15 }, (_, k) => sendMessage(instances[k % 3]!.url, c, '/help', `limit-${k}`).then((a) => ({ ...a, instance: k % 3 }))));
    const accepted = acks.filter((a) => a.status === 200).length;
    expect(accepted).toBeGreaterThanOrEqual(10); // the burst
    expect(accepted).toBeLessThanOrEqual(11); // plus at most one refilled token (20 a minute)
    // each instance got 5, half its burst: limits kept per instance would have let all 15 through
    expect(acks.filter((a) => a.status === 429)).toHaveLength(15 - accepted);
  });
});
