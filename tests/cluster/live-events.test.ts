/**
 * Live events between instances: two engines over one PostgreSQL store, each
 * with its Redis bus. An agent's message sent through one reaches the widget
 * whose events stream the other serves — once — and with Redis down each
 * instance still answers and still hears its own events.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebServer } from '../../adapters/web/index.ts';
import { createEngine, createRedisLiveBus, LstmGenerator, type Engine, type LiveBus } from '../../src/index.ts';
import type { ConversationEvent } from '../../src/engine/routing.ts';
import { runMigrations } from '../../src/storage/postgres/migrate.ts';
import { createPostgresStore } from '../../src/storage/postgres/postgres-store.ts';
import { signToken } from '../../adapters/web/tokens.ts';
import { closedPortUrl, deleteKeys, TEST_REDIS_URL, testPrefix } from '../helpers/redis.ts';
import { createTestPool, withoutDatabase, withoutRedis } from '../helpers/services.ts';
import { bundledModel, SECRET } from '../web/helpers.ts';


async function eventually(check: () => boolean, what: string, ms = 5_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.skipIf(withoutDatabase || withoutRedis)('live events across instances', () => {
  const pool = createTestPool('live');
  const prefix = testPrefix('live');
  let generator: LstmGenerator;
  const engines: Engine[] = [];
  const buses: LiveBus[] = [];
  const closers: Array<() => Promise<unknown>> = [];

  /** One instance: its own engine and bus over the shared store. */
  const instance = async (redisUrl = TEST_REDIS_URL): Promise<Engine> => {
    const bus = await createRedisLiveBus({ url: redisUrl, prefix });
    const store = await createPostgresStore({ pool, ownsPool: false });
    const engine = createEngine({ generator, store, bus, tickIntervalMs: false });
    engine.agent.join();
    engines.push(engine);
    buses.push(bus);
    return engine;
  };
  beforeAll(async () => {
    await runMigrations(pool);
    generator = new LstmGenerator(await bundledModel());
  });
  afterAll(async () => {
    for (const c of closers) await c();
    for (const e of engines) await e.close();
    for (const b of buses) await b.close();
    generator?.dispose();
    await pool.drop();
    await deleteKeys(prefix);
  });

  const say = async (engine: Engine, conversationId: string, text: string) => (await engine.handle({ channel: 'web', conversationId, userId: 'u-1', text, receivedAt: new Date() })).result;

  it("an agent's message sent through instance A reaches a watcher on instance B exactly once, and A's own watcher once", async () => {
    const [a, b] = [await instance(), await instance()];
    const onA: ConversationEvent[] = [];
    const onB: ConversationEvent[] = [];
    a.watch('conv-1', (e) => void onA.push(e));
    b.watch('conv-1', (e) => void onB.push(e));
    await new Promise((r) => setTimeout(r, 100)); // subscriptions settled
    await say(b, 'conv-1', '/agent'); // the user asks on B
    await a.agent.accept('conv-1', 'ann'); // the agent takes it on A
    const { turnId } = await a.agent.send('conv-1', 'ann', 'Hi, Ann here. Let me look.');
    await eventually(() => onB.some((e) => e.event === 'agent-message'), "the agent's message on B");
    await new Promise((r) => setTimeout(r, 200)); // any duplicate would have arrived by now
    const agentMessages = (list: ConversationEvent[]) => list.filter((e) => e.event === 'agent-message');
    expect(agentMessages(onB)).toEqual([{ event: 'agent-message', payload: expect.objectContaining({ turnId, agentId: 'ann', text: 'Hi, Ann here. Let me look.' }) }]);
    expect(agentMessages(onA)).toHaveLength(1);
    // B heard the hand-off accepted on A, and A heard the request made on B
    expect(onB.some((e) => e.event === 'notice' && e.payload.reason === 'handoff-accepted')).toBe(true);
    expect(onA.some((e) => e.event === 'handoff' && e.payload.state === 'requested')).toBe(true);
    expect(onB.filter((e) => e.event === 'handoff' && e.payload.state === 'requested')).toHaveLength(1);
  });

  it("the widget's events stream served by B receives the agent's message sent through A", async () => {
    const [a, b] = [await instance(), await instance()];
    const server = await createWebServer({ engine: b, secret: SECRET }).listen(0);
    closers.push(() => server.close());
    const conversationId = 'web-live-2';
    const token = signToken(SECRET, { c: conversationId, u: 'u-2', iat: Date.now() });
    const controller = new AbortController();
    closers.push(async () => controller.abort());
    const res = await fetch(`${server.url}/api/conversations/${conversationId}/events?token=${encodeURIComponent(token)}`, { signal: controller.signal });
    expect(res.status).toBe(200);
    let body = '';
    void (async () => {
      const decoder = new TextDecoder();
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) body += decoder.decode(chunk, { stream: true });
    })().catch(() => undefined);
    await eventually(() => body.includes(': connected'), 'the stream to open');
    await say(a, conversationId, '/agent');
    await a.agent.accept(conversationId, 'bo');
    await a.agent.send(conversationId, 'bo', 'Bo from the shop here.');
    await eventually(() => body.includes('event: agent-message'), 'the agent-message event on the widget stream');
    expect(body).toContain('"text":"Bo from the shop here."');
    expect(body.match(/event: agent-message/g)).toHaveLength(1);
  });

  it('Redis down: the instance still answers, and its own watchers still hear its events', async () => {
    const down = await instance(await closedPortUrl());
    const heard: string[] = [];
    down.watch('conv-3', (e) => void heard.push(e.event));
    const started = Date.now();
    const reply = await say(down, 'conv-3', '/help');
    expect(reply.kind).toBe('command');
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(heard).toEqual(expect.arrayContaining(['message', 'reply']));
  });
});
