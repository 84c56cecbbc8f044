/**
 * The real web server with its limits in Redis: a client spreading requests
 * over two servers gets one budget, and with Redis down the server keeps
 * answering (limits fail open) or refuses with 429 (fail closed).
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeRedis, createEngine, createLowdbStore, LstmGenerator, openRedis, redisRateLimiters, type Engine, type LimitsWhenDown, type RedisConnection } from '../../src/index.ts';
import { bundledModel, listenForTest, type TestServer } from '../web/helpers.ts';
import { withoutRedis } from '../helpers/services.ts';
import { closedPortUrl, deleteKeys, TEST_REDIS_URL, testPrefix } from '../helpers/redis.ts';

const LIMITS = { perIp: { burst: 4, perMinute: 1 }, perConversation: { burst: 2, perMinute: 1 } };

describe.skipIf(withoutRedis)('web limits in Redis', () => {
  const prefix = testPrefix('web-limits');
  const opened: Array<{ server: TestServer; redis: RedisConnection }> = [];
  let engine: Engine;
  let generator: LstmGenerator;
  let engineDir: string;

  /** One more "instance": its own Redis connection and web server over the shared engine. */
  const instance = async (url: string, whenDown: LimitsWhenDown = 'open') => {
    const redis = await openRedis({ url, purpose: 'test', waitMs: 300 });
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'colloquy-limits-'));
    const store = await createLowdbStore({ dir });
    const server = await listenForTest({ dir, engine, store, server: { limits: LIMITS, rateLimiters: redisRateLimiters({ redis, prefix, whenDown }) } });
    opened.push({ server, redis });
    return server;
  };
  beforeAll(async () => {
    generator = new LstmGenerator(await bundledModel());
    engineDir = await fs.mkdtemp(path.join(os.tmpdir(), 'colloquy-limits-engine-'));
    engine = createEngine({ generator, store: await createLowdbStore({ dir: engineDir }), tickIntervalMs: false });
  });
  afterAll(async () => {
    for (const { server, redis } of opened) {
      await server.close().catch(() => undefined);
      await closeRedis(redis);
    }
    generator?.dispose();
    await fs.rm(engineDir, { recursive: true, force: true });
    await deleteKeys(prefix);
  });

  const start = (url: string) => fetch(`${url}/api/conversations`, { method: 'POST' });
  const say = (url: string, c: { conversationId: string; token: string }, text: string) =>
    fetch(`${url}/api/conversations/${c.conversationId}/messages`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${c.token}` }, body: JSON.stringify({ text }) });

  it('a client alternating between two instances gets one per-IP and one per-conversation budget', async () => {
    const a = await instance(TEST_REDIS_URL);
    const b = await instance(TEST_REDIS_URL);
    const c = (await (await start(a.url)).json()) as { conversationId: string; token: string }; // IP: 1 of 4
    expect((await say(b.url, c, '/help')).status).toBe(200); // IP 2, conversation 1 of 2
    expect((await say(a.url, c, '/help')).status).toBe(200); // IP 3, conversation 2
    const third = await say(b.url, c, '/help'); // IP 4, conversation over
    expect(third.status).toBe(429);
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
    const over = await start(a.url); // IP over
    expect(over.status).toBe(429);
    expect((await start(b.url)).status).toBe(429);
  });

  it('Redis down, limits open: the widget API keeps answering', async () => {
    const down = await instance(await closedPortUrl(), 'open');
    for (let i = 0; i < 6; i++) expect((await start(down.url)).status).toBe(201); // past the burst of 4: no limits while Redis is away
    const c = (await (await start(down.url)).json()) as { conversationId: string; token: string };
    const reply = await say(down.url, c, '/help');
    expect(reply.status).toBe(200);
    expect(await reply.text()).toContain('event: done');
    expect((await fetch(`${down.url}/health`)).status).toBe(200);
  });

  it('Redis down, limits closed: requests are refused with 429 and Retry-After, the server stays up', async () => {
    const down = await instance(await closedPortUrl(), 'closed');
    const refused = await start(down.url);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect((await fetch(`${down.url}/health`)).status).toBe(200);
  });
});
