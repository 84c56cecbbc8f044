/**
 * Rate limits shared in Redis: two instances (two connections) take from the
 * same buckets, and Redis down or hanging fails open or closed as configured.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { CLOSED_RETRY_SECONDS, closeRedis, openRedis, redisRateLimiters, type RateLimiterFactory, type RedisConnection } from '../../src/index.ts';
import { withoutRedis } from '../helpers/services.ts';
import { closedPortUrl, deleteKeys, startSilentServer, TEST_REDIS_URL, testPrefix } from '../helpers/redis.ts';

describe.skipIf(withoutRedis)('Redis rate limits', () => {
  const prefix = testPrefix('rate');
  const connections: RedisConnection[] = [];
  const instance = async (p = prefix): Promise<RateLimiterFactory> => {
    const redis = await openRedis({ url: TEST_REDIS_URL, purpose: 'test' });
    connections.push(redis);
    return redisRateLimiters({ redis, prefix: p, whenDown: 'closed' });
  };
  afterAll(async () => {
    for (const c of connections) await closeRedis(c);
    await deleteKeys(prefix);
  });

  it('holds one budget across instances: a key spreading requests over two gets the burst once', async () => {
    const a = (await instance())({ burst: 3, perMinute: 1 }, 'ip');
    const b = (await instance())({ burst: 3, perMinute: 1 }, 'ip');
    const waits = [await a.take('10.0.0.1'), await b.take('10.0.0.1'), await a.take('10.0.0.1'), await b.take('10.0.0.1'), await a.take('10.0.0.1')];
    expect(waits.slice(0, 3)).toEqual([0, 0, 0]);
    expect(waits[3]).toBeGreaterThanOrEqual(30); // one token a minute: most of a minute to wait
    expect(waits[4]).toBeGreaterThanOrEqual(30);
    expect(await b.take('10.0.0.2')).toBe(0); // another key has its own bucket
  });

  it('keeps kinds of buckets and prefixes apart', async () => {
    const f = await instance();
    const perIp = f({ burst: 1, perMinute: 1 }, 'ip2');
    const perConversation = f({ burst: 1, perMinute: 1 }, 'conversation2');
    expect(await perIp.take('k')).toBe(0);
    expect(await perIp.take('k')).toBeGreaterThan(0);
    expect(await perConversation.take('k')).toBe(0);
    const otherPrefix = testPrefix('rate-other');
    try {
      expect(await (await instance(otherPrefix))({ burst: 1, perMinute: 1 }, 'ip2').take('k')).toBe(0);
    } finally {
      await deleteKeys(otherPrefix);
    }
  });

  it('refills at the configured rate', async () => {
    const limit = (await instance())({ burst: 1, perMinute: 600 }, 'fast'); // one token every 100 ms
    expect(await limit.take('k')).toBe(0);
    expect(await limit.take('k')).toBe(1); // rounded up to whole seconds for Retry-After
    await new Promise((r) => setTimeout(r, 250));
    expect(await limit.take('k')).toBe(0);
  });

  it('takes atomically: 40 concurrent takes from 4 connections allow exactly the burst', async () => {
    const limits = await Promise.all([1, 2, 3, 4].map(async () => (await instance())({ burst: 10, perMinute: 1 }, 'race')));
    const waits = await Promise.all(Array.from({ length: 40 }, (_, i) => limits[i % 4].take('same')));
    expect(waits.filter((w) => w === 0)).toHaveLength(10);
  });
});

describe('Redis rate limits while Redis is unreachable', () => {
  it('Redis down: fails open (requests go through) or closed (wait CLOSED_RETRY_SECONDS), quickly, as configured', async () => {
    const redis = await openRedis({ url: await closedPortUrl(), purpose: 'test', waitMs: 200 });
    try {
      const open = redisRateLimiters({ redis, prefix: 'x:', whenDown: 'open' })({ burst: 1, perMinute: 1 }, 'ip');
      const closed = redisRateLimiters({ redis, prefix: 'x:', whenDown: 'closed' })({ burst: 1, perMinute: 1 }, 'ip');
      const started = Date.now();
      expect([await open.take('k'), await open.take('k'), await open.take('k')]).toEqual([0, 0, 0]);
      expect(await closed.take('k')).toBe(CLOSED_RETRY_SECONDS);
      expect(Date.now() - started).toBeLessThan(1000); // no offline queue: fails fast
    } finally {
      await closeRedis(redis);
    }
  });

  it('Redis that accepts but never answers counts as down after the deadline', async () => {
    const silent = await startSilentServer();
    const redis = await openRedis({ url: silent.url, purpose: 'test', waitMs: 200 });
    try {
      const limit = redisRateLimiters({ redis, prefix: 'x:', whenDown: 'closed', deadlineMs: 100 })({ burst: 1, perMinute: 1 }, 'ip');
      const started = Date.now();
      expect(await limit.take('k')).toBe(CLOSED_RETRY_SECONDS);
      expect(Date.now() - started).toBeLessThan(1000);
    } finally {
      await closeRedis(redis);
      await silent.close();
    }
  });
});
